import {
  type BatchDoc,
  BatchRepository,
  type BatchStatus,
  lotClaimsOf,
  lotKeyOf,
  toGtin14,
  type NewBatch,
} from "../batches";
import type { UseCaseContext } from "../ledger";
import type { PlanRef, PlanStep } from "./plan-step";
import type { RecordingActor, RuleBatch } from "./ingest-rules";

/**
 * The planner's simulated world: every batch a document or file may refer to, as the actor may see
 * it (producers and holders see their own batches; admins, auditors and certifiers all), found by
 * lot (and GTIN or product) or id, and the lots the actor has claimed.
 */
export interface SimBatch extends RuleBatch {
  /** The product's name, or `GTIN …` when the name is not stated (as the lot claim keys it). */
  productName: string;
  gtin?: string;
  lot: string;
  origin?: NewBatch["origin"];
}

export function lotKey(product: string, lot: string): string {
  return `${product}\u0000${lot}`;
}

/** Every batch the steps may refer to, as the actor may see it, and the actor's claimed lots. */
export type World = Awaited<ReturnType<typeof loadWorld>>;

export async function loadWorld(ctx: UseCaseContext, actor: RecordingActor, steps: PlanStep[]) {
  const lots = new Set<string>();
  const ids = new Set<string>();
  for (const step of steps) {
    if (step.kind === "register") {
      lots.add(step.batch.lot);
      if (step.requestedId) ids.add(step.requestedId);
    } else if (step.kind === "observe") continue;
    else if (step.ref.kind === "lot") lots.add(step.ref.lot);
    else ids.add(step.ref.id);
  }
  const searchesAll = actor.roles.some(
    (role) => role === "admin" || role === "auditor" || role === "certifier",
  );
  const found = await new BatchRepository(ctx.connection).withLotsOrIds([...lots], [...ids]);
  const claims = await lotClaimsOf(ctx.connection, actor.orgId, [...lots]);
  const byLot = new Map<string, SimBatch[]>();
  const byId = new Map<string, SimBatch>();
  const world = {
    /** Claimed lots, each with the id of the batch that claimed it. */
    claimed: new Map(
      claims.map((claim) => [lotKey(claim.productName, claim.lot), claim.batchId.toHexString()]),
    ),
    existingIds: new Set(found.map((batch) => batch._id.toHexString())),
    add(batch: SimBatch) {
      byId.set(batch.id, batch);
      byLot.set(batch.lot, [...(byLot.get(batch.lot) ?? []), batch]);
    },
    resolve(ref: PlanRef, report: (code: string, message: string) => void): SimBatch | undefined {
      if (ref.kind === "id") {
        const batch = byId.get(ref.id);
        if (!batch) report("UNKNOWN_BATCH", `no batch ${ref.id}${searchesAll ? "" : " of yours"} exists`);
        return batch;
      }
      const gtin = ref.gtin ? toGtin14(ref.gtin) : undefined;
      const matches = (byLot.get(ref.lot) ?? []).filter(
        (batch) => (!gtin || batch.gtin === gtin) && (!ref.product || batch.productName === ref.product),
      );
      const named = `lot ${ref.lot}${gtin ? ` and GTIN ${gtin}` : ""}${ref.product ? ` of product ${ref.product}` : ""}`;
      if (matches.length === 0)
        report("UNKNOWN_BATCH", `no batch${searchesAll ? "" : " of yours"} has ${named}`);
      if (matches.length > 1) {
        report(
          "AMBIGUOUS_BATCH",
          `${named} names ${matches.length} batches (${matches.map((batch) => batch.productName).join(", ")}); give the GTIN or product`,
        );
      }
      return matches.length === 1 ? matches[0] : undefined;
    },
  };
  for (const batch of found) {
    const producerId = batch.producerId.toHexString();
    const holderId = batch.holderId.toHexString();
    if (!searchesAll && producerId !== actor.orgId && holderId !== actor.orgId) continue;
    world.add(simulated(batch));
  }
  return world;
}

function simulated(batch: BatchDoc): SimBatch {
  const { place, regionCode, location, harvestedAt } = batch.origin;
  return {
    id: batch._id.toHexString(),
    producerId: batch.producerId.toHexString(),
    holderId: batch.holderId.toHexString(),
    status: batch.status as BatchStatus,
    available: batch.available,
    unit: batch.quantity.unit,
    pendingTransfer: Boolean(batch.pendingTransferId),
    productName: lotKeyOf(batch.product),
    ...(batch.product.gtin ? { gtin: batch.product.gtin } : {}),
    lot: batch.lot,
    origin: { place, regionCode, ...(location ? { location } : {}), harvestedAt },
  };
}
