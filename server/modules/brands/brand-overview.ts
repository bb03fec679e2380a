import type { ChainClient } from "../../platform/evm/chain-client";
import { WindowStore } from "../anchoring";
import type { BrandDoc } from "./data/brand.model";
import { BrandRepository } from "./data/brand.repository";
import type { LicenceDoc } from "./data/licence.model";
import { organizationNames } from "../organizations";
import { TraceEventRepository, type UseCaseContext } from "../ledger";
import { roundQuantity } from "./domain/brand-rules";
import { producerCertifications, type ProducerCertification } from "./brand-certifications";
import { listSchemes } from "../certifications";
import { licenceView, listLicences } from "./licences";

/**
 * What the public brand page (`/brands/:id`) shows, and the same URL answers with
 * `Accept: application/json`: the brand's terms, every licence with its quota used and remaining,
 * the licensed producers' certifications with their live status on chain, and the head of the
 * brand's licence register with whether it is anchored yet. Only public facts.
 */
export interface BrandOverview {
  id: string;
  name: { zh: string; en: string };
  owner: { id: string; name: string };
  regionCodes: string[];
  categories: string[];
  requiredSchemes: { code: string; name: { zh: string; en: string } }[];
  logo: { sha256: string; mediaType: string; uri: string | null } | null;
  licences: (ReturnType<typeof licenceView> & {
    producer: { id: string; name: string };
    /** Share of the quota used, 0–1. */
    usedShare: number;
  })[];
  producers: { id: string; name: string; certifications: ProducerCertification[] }[];
  register: {
    seq: number;
    hash: string;
    eventId: string;
    anchor: { root: string; blockNumber: number | null; txHash: string | null } | null;
    events: string;
  };
  checkedAt: string;
}

/** The overview of a brand, or null when no brand has this id (malformed ids included). */
export async function brandOverview(
  ctx: UseCaseContext & { chain: ChainClient },
  brandId: string,
  publicBaseUrl: string,
): Promise<BrandOverview | null> {
  if (!/^[0-9a-f]{24}$/.test(brandId)) return null;
  const brand = await new BrandRepository(ctx.connection).findById(brandId);
  if (!brand) return null;
  const now = ctx.now();
  const [licences, schemes, head] = await Promise.all([
    listLicences(ctx, { brandId: brand._id }),
    listSchemes(ctx.connection),
    registerHead(ctx, brand),
  ]);
  const producerIds = [...new Set(licences.map((licence) => licence.producerId.toHexString()))];
  const [names, certifications] = await Promise.all([
    organizationNames(ctx.connection, [brand.ownerId.toHexString(), ...producerIds]),
    producerCertifications(ctx, producerIds, brand, schemes, Math.floor(now.getTime() / 1000)),
  ]);
  const nameOf = (id: string) => names.get(id) ?? "?";
  const id = brand._id.toHexString();
  return {
    id,
    name: brand.name,
    owner: { id: brand.ownerId.toHexString(), name: nameOf(brand.ownerId.toHexString()) },
    regionCodes: brand.regionCodes,
    categories: brand.categories,
    requiredSchemes: brand.requiredSchemes.map((code) => {
      const scheme = schemes.find((item) => item.code === code);
      return { code, name: { zh: scheme?.name ?? code, en: scheme?.nameEn ?? scheme?.name ?? code } };
    }),
    logo: brand.logo ? { ...brand.logo, uri: brand.logo.uri ?? null } : null,
    licences: licences.map((licence) => ({
      ...licenceView(licence),
      producer: { id: licence.producerId.toHexString(), name: nameOf(licence.producerId.toHexString()) },
      usedShare: usedShare(licence),
    })),
    producers: producerIds.map((producerId) => ({
      id: producerId,
      name: nameOf(producerId),
      certifications: certifications.get(producerId) ?? [],
    })),
    register: { ...head, events: `${publicBaseUrl}/api/brands/${id}/events` },
    checkedAt: now.toISOString(),
  };
}

function usedShare(licence: LicenceDoc): number {
  if (licence.quota.value <= 0) return 1;
  return Math.min(1, Math.max(0, roundQuantity(licence.used / licence.quota.value)));
}

/** The register's newest event and its anchor: its window's root once that window is confirmed. */
async function registerHead(ctx: UseCaseContext, brand: BrandDoc) {
  const event = await new TraceEventRepository(ctx.connection).findById(brand.head.eventId);
  const window = event?.anchor ? await new WindowStore(ctx.connection).find(event.anchor.windowId) : null;
  const anchored = window?.root && (window.state === "confirmed" || window.state === "completed");
  return {
    seq: brand.head.seq,
    hash: brand.head.hash,
    eventId: brand.head.eventId.toHexString(),
    anchor: anchored
      ? {
          root: window.root!,
          blockNumber: window?.blockNumber ?? null,
          txHash: window?.txHash ?? null,
        }
      : null,
  };
}
