import { canSeeAll, type Actor } from "../organizations";
import { NotFoundError } from "../../platform/errors";

/** The organizations a batch belongs to. */
export interface BatchOwners {
  _id: { toHexString(): string };
  producerId: { toHexString(): string };
  holderId: { toHexString(): string };
}

/**
 * A batch's producer and its current holder may read it; auditors and admins read every batch.
 * Anyone else is answered exactly as for a batch that does not exist (404, same message as
 * findBatch), so an id cannot be told to be another tenant's.
 */
export function assertMayReadBatch(actor: Actor, batch: BatchOwners): void {
  const parties = [batch.producerId.toHexString(), batch.holderId.toHexString()];
  if (canSeeAll(actor) || parties.includes(actor.orgId)) return;
  throw new NotFoundError("batch", batch._id.toHexString());
}
