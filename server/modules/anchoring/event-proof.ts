import { AnchorProofs, type EventProof } from "./proof";
import { findBatch, assertMayReadBatch } from "../batches";
import type { UseCaseContext } from "../ledger";
import { canSeeAll, type Actor } from "../organizations";
import { NotFoundError } from "../../platform/errors";

/**
 * The Merkle proof of an event, for a caller who may see the event: a brand's licence register is
 * public (GET /api/brands/:id/events); a batch event needs read access to its batch; an observation,
 * to be its organization (or an auditor or admin).
 */
export async function eventProofFor(ctx: UseCaseContext, actor: Actor, eventId: string): Promise<EventProof> {
  const proofs = new AnchorProofs(ctx.connection);
  const event = await proofs.findEvent(eventId);
  if (event.subject === "observations") {
    // An observation log is its organization's (decision 0031).
    if (!canSeeAll(actor) && event.batchId.toHexString() !== actor.orgId)
      throw new NotFoundError("event", eventId);
  } else if (event.subject !== "brand") {
    assertMayReadBatch(actor, await findBatch(ctx, event.batchId.toHexString()));
  }
  return proofs.proofOf(event);
}
