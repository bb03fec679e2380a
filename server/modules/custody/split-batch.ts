import { Types } from "mongoose";
import { type BatchDoc, appendEvent, registerBatch, originOf } from "../batches";
import { cbvTermsFor, type UseCaseContext } from "../ledger";
import { massBalanceProblem, remainingAfter } from "./domain/mass-balance";
import { ForbiddenError, UnprocessableError } from "../../platform/errors";
import { inheritedBrand } from "../brands";

export type Quantity = { value: number; unit: string };

/**
 * Takes `quantity` out of a batch for a new child batch (a partial transfer or a split). The
 * parent's available quantity drops in the same compare-and-set that appends its event, so two
 * concurrent takers can never take more than there is. The child id is fixed before that commit
 * and written into the parent's event, so the link is in the hash chain from the start.
 */
export async function splitBatch(
  ctx: UseCaseContext,
  actorId: string,
  parentId: string,
  quantity: Quantity,
  eventTime: string,
): Promise<BatchDoc> {
  const childId = new Types.ObjectId();
  let parent: BatchDoc | undefined;
  await appendEvent(
    ctx,
    parentId,
    actorId,
    {
      type: "transforming",
      eventTime,
      ...cbvTermsFor("transforming", {}),
      data: { kind: "split", outputs: [{ batchId: childId.toHexString(), quantity }] },
    },
    (batch) => {
      assertCanTake(batch, actorId, quantity);
      parent = batch;
      const available = remainingAfter(batch.available, quantity.value);
      return { available, ...(available === 0 ? { status: "consumed" as const } : {}) };
    },
  );
  const source = parent!;
  const { batch } = await registerBatch(
    ctx,
    source.producerId.toHexString(),
    {
      product: source.product,
      lot: childLot(source.lot, source.head.seq + 1, childId),
      origin: originOf(source),
      quantity,
      ...(source.ecoAttributes ? { ecoAttributes: source.ecoAttributes } : {}),
    },
    {
      id: childId,
      inputs: [{ batchId: source._id, quantity, kind: "split" }],
      commissioningData: { kind: "split", inputs: [{ batchId: parentId, quantity }] },
      actorId,
      holderId: source.holderId.toHexString(),
      eventTime,
      ...(source.brandId ? { brand: inheritedBrand(source.brandId.toHexString(), [source])! } : {}),
    },
  );
  return batch;
}

/**
 * A child keeps its parent's lot with a split suffix (`AJBC-2026-0412-S3`); when that would pass
 * the 20 characters GS1 allows, the suffix is made from the child id instead, so it stays unique.
 */
export function childLot(parentLot: string, splitSeq: number, childId: Types.ObjectId): string {
  const readable = `${parentLot}-S${splitSeq}`;
  if (readable.length <= 20) return readable;
  return `${parentLot.slice(0, 11)}-${childId.toHexString().slice(-8)}`;
}

/** The checks every taker (transfer, split, transformation) applies to a batch it consumes from. */
export function assertCanTake(batch: BatchDoc, actorId: string, quantity: Quantity): void {
  if (batch.holderId.toHexString() !== actorId) {
    throw new ForbiddenError(`only the current holder of batch ${batch._id.toHexString()} can do this`);
  }
  if (batch.status !== "active") {
    throw new UnprocessableError("BATCH_STATE", `batch ${batch._id.toHexString()} is ${batch.status}`, {
      status: batch.status,
    });
  }
  if (batch.pendingTransferId) {
    throw new UnprocessableError("BATCH_STATE", `batch ${batch._id.toHexString()} has a pending transfer`);
  }
  const problem = massBalanceProblem({ value: batch.available, unit: batch.quantity.unit }, quantity);
  if (problem) {
    throw new UnprocessableError("MASS_BALANCE", problem, {
      batchId: batch._id.toHexString(),
      available: { value: batch.available, unit: batch.quantity.unit },
    });
  }
}
