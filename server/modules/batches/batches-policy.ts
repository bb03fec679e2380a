import { assertSameTenant, type Actor } from "../organizations";

/** The organizations a batch belongs to. */
export interface BatchOwners {
  producerId: { toHexString(): string };
  holderId: { toHexString(): string };
}

/** A batch's producer and its current holder may read it; auditors and admins read every batch. */
export function assertMayReadBatch(actor: Actor, batch: BatchOwners): void {
  assertSameTenant(actor, [batch.producerId.toHexString(), batch.holderId.toHexString()], "the batch");
}
