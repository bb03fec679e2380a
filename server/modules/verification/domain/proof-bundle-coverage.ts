import {
  coverageOf,
  type CoverableBatch,
  quantityCapOf,
  type CertificationMessage,
} from "../../certifications";
import type { ProofBundle } from "./proof-bundle";

/**
 * Whether a certification's signed rule covers a batch, judged from hashed evidence only: the
 * batch's origin, product category, producer and quantity as its commissioning event (seq 1)
 * recorded them, never the batch document (which the operator can edit: issue 13, finding 2).
 *
 * The producer of a batch is the organization that recorded its commissioning event, except for
 * a split child, which keeps the producer of the batch it was split from (`data.kind` "split",
 * `data.inputs[0].batchId`). A sealed quantity (decision 0008) hides its unit, so the cap's unit
 * is not checked for it; every other condition is.
 */
/** The unit of a quantity the bundle shows only as a commitment. */
const SEALED = "(sealed)";

export function coverageProblem(
  rule: CertificationMessage,
  batchId: string,
  bundle: ProofBundle,
): string | null {
  const batch = coverableFromBundle(batchId, bundle);
  if (!batch) return `batch ${batchId} has no hashed commissioning event to judge coverage by`;
  const unit = batch.quantity.unit === SEALED ? (quantityCapOf(rule.quantityCap)?.unit ?? "") : null;
  if (coverageOf(rule, unit === null ? batch : { ...batch, quantity: { value: 0, unit } })) return null;
  return `its signed rule (${describeRule(rule)}) does not cover batch ${batchId} as its commissioning event records it (${describeBatch(batch)})`;
}

/** The coverable facts of a batch from its commissioning event in the bundle, or null. */
export function coverableFromBundle(batchId: string, bundle: ProofBundle): CoverableBatch | null {
  const data = commissioningData(batchId, bundle);
  const producerId = producerOf(batchId, bundle, new Set());
  if (!data || producerId === null) return null;
  const origin = (data.origin ?? {}) as Record<string, unknown>;
  const product = (data.product ?? {}) as Record<string, unknown>;
  const quantity = data.quantity as { value?: unknown; unit?: unknown } | undefined;
  const plainQuantity = typeof quantity?.value === "number" && typeof quantity.unit === "string";
  return {
    id: batchId,
    producerId,
    category: String(product.category ?? ""),
    regionCode: String(origin.regionCode ?? ""),
    place: String(origin.place ?? ""),
    harvestedAt: String(origin.harvestedAt ?? ""),
    quantity: plainQuantity
      ? { value: quantity.value as number, unit: quantity.unit as string }
      : { value: 0, unit: SEALED },
  };
}

function commissioningData(batchId: string, bundle: ProofBundle): Record<string, unknown> | null {
  const event = bundle.events.find((item) => item.body.batchId === batchId && item.body.seq === 1);
  const data = event?.body.data;
  return data !== null && typeof data === "object" ? (data as Record<string, unknown>) : null;
}

function producerOf(batchId: string, bundle: ProofBundle, seen: Set<string>): string | null {
  if (seen.has(batchId)) return null;
  seen.add(batchId);
  const event = bundle.events.find((item) => item.body.batchId === batchId && item.body.seq === 1);
  if (!event) return null;
  const data = (event.body.data ?? {}) as { kind?: unknown; inputs?: { batchId?: unknown }[] };
  const parent = data.kind === "split" && Array.isArray(data.inputs) ? data.inputs[0]?.batchId : undefined;
  if (typeof parent === "string") return producerOf(parent, bundle, seen);
  return typeof event.body.actor === "string" ? event.body.actor : null;
}

function describeRule(rule: CertificationMessage): string {
  if (rule.subject.kind === "batch") return `batch ${rule.subject.id}`;
  return [
    `producer ${rule.subject.id}`,
    ...(rule.subject.kind === "plot" ? [`plot ${rule.subject.plot}`] : []),
    `category ${rule.scope.category || "any"}`,
    `region ${rule.scope.regionCodePrefix || "any"}*`,
    `harvested ${iso(rule.validFrom)} – ${iso(rule.validUntil)}`,
  ].join(", ");
}

function describeBatch(batch: CoverableBatch): string {
  return `producer ${batch.producerId}, place ${batch.place}, category ${batch.category}, region ${batch.regionCode}, harvested ${batch.harvestedAt}`;
}

function iso(seconds: number): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}
