import { TraceEventRepository, isSealedMarker, type UseCaseContext } from "../ledger";
import { canSeeAll, type Actor } from "../organizations";
import type { BatchDoc } from "./data/batch.model";

/** Batch fields whose value the producer sealed (decision 0008), by batch id: the markers to show. */
export type SealedBatchFields = Map<string, { location?: unknown; quantity?: unknown }>;

/**
 * The stored batch keeps the plain origin coordinates and quantity; who else than the producer
 * (and auditors and admins, who may open every seal) reads a batch gets the sealed markers of its
 * commissioning event instead, as in the public bundle. One query per page of batches.
 */
export async function sealedFieldsHiddenFrom(
  ctx: UseCaseContext,
  actor: Actor,
  batches: readonly BatchDoc[],
): Promise<SealedBatchFields> {
  if (canSeeAll(actor)) return new Map();
  const others = batches.filter((batch) => batch.producerId.toHexString() !== actor.orgId);
  if (others.length === 0) return new Map();
  const bodies = await new TraceEventRepository(ctx.connection).commissioningBodies(
    others.map((batch) => batch._id),
  );
  const hidden: SealedBatchFields = new Map();
  for (const { batchId, body } of bodies) {
    const data = ((body as { data?: Record<string, unknown> }).data ?? {}) as {
      origin?: { location?: unknown };
      quantity?: unknown;
    };
    const location = isSealedMarker(data.origin?.location) ? data.origin.location : undefined;
    const quantity = isSealedMarker(data.quantity) ? data.quantity : undefined;
    if (location || quantity) hidden.set(batchId.toHexString(), { location, quantity });
  }
  return hidden;
}
