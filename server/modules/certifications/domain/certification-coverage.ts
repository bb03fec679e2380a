import { quantityCapOf, type CertificationMessage } from "./certification-typed-data";

/**
 * Which batches a certification covers. A `batch` subject covers that batch. A `producer` subject
 * covers the producer's batches that match the scope (`category`, `regionCodePrefix`; "" = any)
 * and whose harvest date lies inside the validity window; a `plot` subject does the same for
 * batches whose origin place is the plot. With a quantity cap, only batches in the cap's unit
 * count, and batches beyond the cap (in registration order) are reported `withinCap: false`.
 * Batches derived from covered ones inherit the certification through lineage (not here).
 */
export interface CoverableBatch {
  id: string;
  producerId: string;
  /** Category, region, place and harvest time are absent when not stated (decision 0031): no scope covers them. */
  category?: string;
  regionCode?: string;
  place?: string;
  /** ISO date or date-time; a date alone is read as 00:00 UTC of that day. */
  harvestedAt?: string;
  quantity: { value: number; unit: string };
}

export type CoverageRule = Pick<
  CertificationMessage,
  "subject" | "scope" | "validFrom" | "validUntil" | "quantityCap"
>;

export type CoverageVia = "subject" | "scope";

export function coverageOf(rule: CoverageRule, batch: CoverableBatch): CoverageVia | null {
  if (rule.subject.kind === "batch") return batch.id === rule.subject.id ? "subject" : null;
  if (batch.producerId !== rule.subject.id) return null;
  if (rule.subject.kind === "plot" && batch.place?.trim() !== rule.subject.plot.trim()) return null;
  if (rule.scope.category !== "" && batch.category !== rule.scope.category) return null;
  if (!(batch.regionCode ?? "").startsWith(rule.scope.regionCodePrefix)) return null;
  if (batch.harvestedAt === undefined) return null;
  const harvested = Math.floor(Date.parse(batch.harvestedAt) / 1000);
  if (!(harvested >= rule.validFrom && harvested <= rule.validUntil)) return null;
  const cap = quantityCapOf(rule.quantityCap);
  if (cap && cap.unit !== batch.quantity.unit) return null;
  return "scope";
}

/**
 * Whether each covered batch stays within the cap: batches are counted in the order given
 * (registration order) and a batch that would take the total past the cap is outside it.
 */
export function withinCap(
  cap: CertificationMessage["quantityCap"],
  coveredInOrder: readonly CoverableBatch[],
): Map<string, boolean> {
  const limit = quantityCapOf(cap);
  const result = new Map<string, boolean>();
  let total = 0;
  for (const batch of coveredInOrder) {
    if (!limit) {
      result.set(batch.id, true);
      continue;
    }
    const next = Math.round((total + batch.quantity.value) * 1e9) / 1e9;
    const fits = batch.quantity.unit === limit.unit && next <= limit.value + 1e-9;
    if (fits) total = next;
    result.set(batch.id, fits);
  }
  return result;
}

/** Why a batch subject cannot carry this cap, or null. */
export function batchCapProblem(
  cap: CertificationMessage["quantityCap"],
  quantity: { value: number; unit: string },
): string | null {
  const limit = quantityCapOf(cap);
  if (!limit) return null;
  if (limit.unit !== quantity.unit)
    return `quantityCap is in ${limit.unit} but the batch is in ${quantity.unit}`;
  if (quantity.value > limit.value + 1e-9) {
    return `the batch holds ${quantity.value} ${quantity.unit}, more than the cap of ${limit.value} ${limit.unit}`;
  }
  return null;
}
