import { TraceEventRepository, commitmentsOpenedBy, isSealedMarker, type UseCaseContext } from "../ledger";
import { canSeeAll, type Actor } from "../organizations";
import type { BatchDoc } from "./data/batch.model";

/** Batch fields whose value the producer sealed (decision 0008), by batch id: the markers to show. */
export type SealedBatchFields = Map<string, { location?: unknown; quantity?: unknown }>;

/**
 * The stored batch keeps the plain origin coordinates and quantity; who reads a batch sees a
 * sealed value only when it holds the opening (it sealed it, or it was disclosed to it; auditors
 * and admins open every seal), else the sealed marker of its commissioning event, as in the public
 * bundle. Holding the opening, not producing the batch, decides: a transformation's output carries
 * its input's sealed origin, whose opening stays with the input's producer. Two queries per page.
 */
export async function sealedFieldsHiddenFrom(
  ctx: UseCaseContext,
  actor: Actor,
  batches: readonly BatchDoc[],
): Promise<SealedBatchFields> {
  if (canSeeAll(actor) || batches.length === 0) return new Map();
  const bodies = await new TraceEventRepository(ctx.connection).commissioningBodies(
    batches.map((batch) => batch._id),
  );
  const sealed = bodies.flatMap(({ batchId, body }) => {
    const data = ((body as { data?: Record<string, unknown> }).data ?? {}) as {
      origin?: { location?: unknown };
      quantity?: unknown;
    };
    const location = isSealedMarker(data.origin?.location) ? data.origin.location : undefined;
    const quantity = isSealedMarker(data.quantity) ? data.quantity : undefined;
    return location || quantity ? [{ batchId: batchId.toHexString(), location, quantity }] : [];
  });
  if (sealed.length === 0) return new Map();
  const commitments = sealed.flatMap((fields) =>
    [fields.location, fields.quantity].flatMap((marker) => (marker ? [marker["@commitment"]] : [])),
  );
  const opened = await commitmentsOpenedBy(ctx, commitments, actor.orgId);
  const hidden: SealedBatchFields = new Map();
  for (const { batchId, location, quantity } of sealed) {
    const hideLocation = location && !opened.has(location["@commitment"]) ? location : undefined;
    const hideQuantity = quantity && !opened.has(quantity["@commitment"]) ? quantity : undefined;
    if (hideLocation || hideQuantity) hidden.set(batchId, { location: hideLocation, quantity: hideQuantity });
  }
  return hidden;
}
