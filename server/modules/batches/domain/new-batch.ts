import { ValidationError } from "../../../platform/errors";
import type { BrandClaimCandidate } from "./batch-brand";

/** What registering a batch takes (from the API, an import row, an EPCIS capture, a split or a transformation). */
export interface NewBatch {
  /** Name and category are required by the API; absent ("not stated") only from CBV master data (decision 0031). */
  product: { name?: string; category?: string; gtin?: string };
  lot?: string;
  /** Required by the API; each field may be absent ("not stated") only from CBV master data (decision 0031). */
  origin: {
    place?: string;
    regionCode?: string;
    /** ISO 3166-1 alpha-2 (cbvmda:countryOfOrigin), kept when no GB/T 2260 region is stated. */
    country?: string;
    location?: { lat: number; lon: number };
    harvestedAt?: string;
  };
  quantity: { value: number; unit: string };
  /** When the batch was commissioned (default: now). */
  eventTime?: string;
  /** The id of a regional brand to claim (decision 0010). */
  brand?: string;
  ecoAttributes?: Record<string, unknown>;
  attachments?: { sha256: string; mediaType: string; uri?: string }[];
  /** Commissioning-event fields to seal (decision 0008): /data/origin/location, /data/quantity. */
  private?: string[];
}

/** A batch's origin as registration takes it (for outputs and children that inherit it). */
export function originOf(batch: { origin: NewBatch["origin"] }): NewBatch["origin"] {
  const { place, regionCode, country, location, harvestedAt } = batch.origin;
  return {
    ...(place !== undefined ? { place } : {}),
    ...(regionCode !== undefined ? { regionCode } : {}),
    ...(country !== undefined ? { country } : {}),
    ...(location ? { location } : {}),
    ...(harvestedAt !== undefined ? { harvestedAt } : {}),
  };
}

/** Lots are unique per product: by its name, or by its GTIN when the name is not stated. */
export function lotKeyOf(product: NewBatch["product"]): string {
  return product.name ?? `GTIN ${product.gtin ?? ""}`;
}

/**
 * A regional brand's quota is claimed by category, region and harvest date (decision 0010): a batch
 * that does not state one of them (CBV master data, decision 0031) cannot claim it. `at` is where
 * the request gives the batch (`body`, `body.outputs[0]`).
 */
export function statedClaimCandidate(
  candidate: Partial<BrandClaimCandidate> &
    Omit<BrandClaimCandidate, "category" | "regionCode" | "harvestedAt">,
  at = "body",
): BrandClaimCandidate {
  const { category, regionCode, harvestedAt } = candidate;
  const unstated = (field: string) =>
    ValidationError.forField(
      `${at}.${field}`,
      "is not stated, so the batch cannot claim a regional brand",
      422,
    );
  if (category === undefined) throw unstated("product.category");
  if (regionCode === undefined) throw unstated("origin.regionCode");
  if (harvestedAt === undefined) throw unstated("origin.harvestedAt");
  return { ...candidate, category, regionCode, harvestedAt };
}
