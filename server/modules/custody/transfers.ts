import { Types } from "mongoose";
import { type BatchDoc, appendEvent, findBatch } from "../batches";
import { OrganizationRepository } from "../organizations";
import type { TransferDoc } from "./data/transfer.model";
import { TransferRepository } from "./data/transfer.repository";
import { cbvTermsFor, type UseCaseContext } from "../ledger";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../platform/errors";
import { assertCanTake, splitBatch, type Quantity } from "./split-batch";

export interface NewTransfer {
  to: string;
  quantity?: Quantity;
  eventTime?: string;
  data?: Record<string, unknown>;
}

/**
 * The holder offers a batch (or part of it) to another organization: a pending transfer and a
 * shipping event. A partial quantity first splits the batch, and the child batch travels. Until
 * the receiver accepts, the sender stays the holder and the batch cannot be used elsewhere.
 */
export async function createTransfer(
  ctx: UseCaseContext,
  actorId: string,
  batchId: string,
  input: NewTransfer,
) {
  const source = await findBatch(ctx, batchId);
  const quantity = input.quantity ?? { value: source.available, unit: source.quantity.unit };
  assertCanTake(source, actorId, quantity);
  if (input.to === actorId) throw ValidationError.forField("body.to", "must be another organization", 422);
  if (!(await new OrganizationRepository(ctx.connection).exists(input.to))) {
    throw ValidationError.forField("body.to", "is not a known organization", 422);
  }
  const eventTime = input.eventTime ?? ctx.now().toISOString();
  const travelling =
    quantity.value < source.available ? await splitBatch(ctx, actorId, batchId, quantity, eventTime) : source;

  const transfer: TransferDoc = {
    _id: new Types.ObjectId(),
    batchId: travelling._id,
    sourceBatchId: source._id,
    fromId: new Types.ObjectId(actorId),
    toId: new Types.ObjectId(input.to),
    quantity,
    status: "pending",
    createdAt: ctx.now(),
  };
  const transfers = new TransferRepository(ctx.connection);
  await transfers.insert(transfer);
  try {
    const event = await appendEvent(
      ctx,
      travelling._id.toHexString(),
      actorId,
      {
        type: "shipping",
        eventTime,
        ...cbvTermsFor("shipping", {}),
        data: { ...input.data, transferId: transfer._id.toHexString(), to: input.to, quantity },
      },
      (batch) => {
        assertCanTake(batch, actorId, quantity);
        return { pendingTransferId: transfer._id, status: "in_transit" as const };
      },
    );
    return { transfer, event };
  } catch (error) {
    await transfers.withdraw(transfer._id);
    throw error;
  }
}

/** The receiver accepts: it becomes the holder (receiving event). */
export async function acceptTransfer(
  ctx: UseCaseContext,
  actorId: string,
  transferId: string,
  eventTime?: string,
) {
  return decideTransfer(ctx, actorId, transferId, "accepted", { eventTime });
}

/** The receiver refuses: the sender keeps the batch (receiving event, disposition returned). */
export async function rejectTransfer(
  ctx: UseCaseContext,
  actorId: string,
  transferId: string,
  options: { eventTime?: string; reason?: string },
) {
  return decideTransfer(ctx, actorId, transferId, "rejected", options);
}

async function decideTransfer(
  ctx: UseCaseContext,
  actorId: string,
  transferId: string,
  decision: "accepted" | "rejected",
  options: { eventTime?: string; reason?: string },
) {
  const transfers = new TransferRepository(ctx.connection);
  const transfer = await transfers.findById(transferId);
  if (!transfer) throw new NotFoundError("transfer", transferId);
  if (transfer.toId.toHexString() !== actorId) {
    throw new ForbiddenError("only the receiving organization can accept or reject a transfer");
  }
  if (transfer.status !== "pending")
    throw new ConflictError(`transfer ${transferId} is already ${transfer.status}`);

  const accepted = decision === "accepted";
  const event = await appendEvent(
    ctx,
    transfer.batchId.toHexString(),
    actorId,
    {
      type: "receiving",
      eventTime: options.eventTime ?? ctx.now().toISOString(),
      ...cbvTermsFor("receiving", accepted ? {} : { disposition: "returned" }),
      data: {
        transferId,
        from: transfer.fromId.toHexString(),
        outcome: decision,
        ...(options.reason ? { reason: options.reason } : {}),
      },
    },
    (batch: BatchDoc) => {
      if (!batch.pendingTransferId?.equals(transfer._id)) {
        throw new ConflictError(`transfer ${transferId} is no longer pending on its batch`);
      }
      return {
        pendingTransferId: null,
        status: "active" as const,
        ...(accepted ? { holderId: transfer.toId } : {}),
      };
    },
  );
  await transfers.decide(transfer._id, decision, ctx.now(), options.reason);
  return {
    transfer: { ...transfer, status: decision, ...(options.reason ? { reason: options.reason } : {}) },
    event,
  };
}

export async function getTransfer(ctx: UseCaseContext, transferId: string): Promise<TransferDoc> {
  const transfer = await new TransferRepository(ctx.connection).findById(transferId);
  if (!transfer) throw new NotFoundError("transfer", transferId);
  return transfer;
}

export async function listTransfers(
  ctx: UseCaseContext,
  filter: { party?: string; status?: string; limit: number },
) {
  return new TransferRepository(ctx.connection).list(filter);
}

export function transferView(transfer: TransferDoc) {
  return {
    id: transfer._id.toHexString(),
    batchId: transfer.batchId.toHexString(),
    sourceBatchId: transfer.sourceBatchId.toHexString(),
    from: transfer.fromId.toHexString(),
    to: transfer.toId.toHexString(),
    quantity: transfer.quantity,
    status: transfer.status,
    ...(transfer.reason ? { reason: transfer.reason } : {}),
    createdAt: new Date(transfer.createdAt).toISOString(),
    ...(transfer.decidedAt ? { decidedAt: new Date(transfer.decidedAt).toISOString() } : {}),
  };
}
