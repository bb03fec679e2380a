import type { Types } from "mongoose";
import { type BatchDoc, BatchRepository, type LabelledBatch } from "../batches";
import { LicenceRepository } from "../brands/data/licence.repository";
import { roundQuantity } from "../brands/domain/brand-rules";
import { itemsThatFit, labelledCeiling, leftToLabel, type Quantity } from "./domain/label-quota";
import { UnprocessableError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";

/**
 * The batch and the batches it was split from, nearest first. Labels issued on a split batch
 * count against every batch above it too, so that splitting never creates room for more labels:
 * each batch's `labelled` covers its own labels and those of every batch split from it.
 */
export async function splitAncestry(ctx: UseCaseContext, batch: LabelledBatch): Promise<LabelledBatch[]> {
  const path = [batch];
  let current = batch;
  while (current.inputs.length === 1 && current.inputs[0].kind === "split" && path.length < 100) {
    const parent = await new BatchRepository(ctx.connection).labelRoomOf(current.inputs[0].batchId);
    if (!parent) break;
    path.push(parent);
    current = parent;
  }
  return path;
}

/**
 * Takes `amount` of label room on the batch and on each batch it was split from, nearest first,
 * each with one conditional update (`labelled ≤ quantity − amount` → `$inc`), atomic on MongoDB
 * and on the embedded engine: concurrent issues never label more than a batch holds. A refusal
 * gives back what was taken and says what is left. Returns the batch's own labelled total.
 */
export async function takeLabelRoom(
  ctx: UseCaseContext,
  path: LabelledBatch[],
  amount: number,
  item: Quantity,
): Promise<number> {
  const batches = new BatchRepository(ctx.connection);
  const taken: Types.ObjectId[] = [];
  let own = 0;
  for (const [index, batch] of path.entries()) {
    const labelled = await batches.takeLabelRoom(
      batch._id,
      labelledCeiling(batch.quantity.value, amount),
      amount,
    );
    if (labelled !== null) {
      taken.push(batch._id);
      if (index === 0) own = roundQuantity(labelled);
      continue;
    }
    await releaseLabelRoom(ctx, taken, amount);
    const now = await batches.labelRoomOf(batch._id);
    throw labelRoomError(path[0], batch, now?.labelled ?? 0, amount, item);
  }
  return own;
}

/** Gives back label room taken for an issue whose serials were not stored. */
export async function releaseLabelRoom(
  ctx: UseCaseContext,
  batchIds: Types.ObjectId[],
  amount: number,
): Promise<void> {
  if (batchIds.length === 0) return;
  await new BatchRepository(ctx.connection).releaseLabelRoom(batchIds, amount);
}

function labelRoomError(
  batch: LabelledBatch,
  refusedAt: LabelledBatch,
  labelled: number,
  amount: number,
  item: Quantity,
): UnprocessableError {
  const unit = batch.quantity.unit;
  const left = leftToLabel(refusedAt.quantity.value, labelled);
  const where = refusedAt._id.equals(batch._id)
    ? `batch ${batch.lot}`
    : `batch ${refusedAt.lot}, which ${batch.lot} was split from (labels of split batches count against it),`;
  return new UnprocessableError(
    "LABEL_QUOTA_EXCEEDED",
    `labels for ${amount} ${unit} (${roundQuantity(amount / item.value)} × ${item.value} ${unit}) exceed what is left to label: ${where} has ${left} ${unit} left (quantity ${refusedAt.quantity.value} ${unit}, ${roundQuantity(labelled)} ${unit} labelled)`,
    {
      batchId: refusedAt._id.toHexString(),
      left: { value: left, unit },
      requested: { value: amount, unit },
      itemsThatFit: itemsThatFit(left, item),
    },
  );
}

/** Branded labels need the batch's licence to be active at the moment they are issued. */
export async function assertLicenceActive(ctx: UseCaseContext, batch: BatchDoc): Promise<void> {
  const licence = batch.licenceId
    ? await new LicenceRepository(ctx.connection).findById(batch.licenceId)
    : null;
  if (licence?.status === "active") return;
  const id = batch.licenceId!.toHexString();
  const why = licence
    ? `is ${licence.status} since ${new Date(licence.statusChangedAt).toISOString()}${licence.statusReason ? ` (${licence.statusReason})` : ""}`
    : "no longer exists";
  throw new UnprocessableError(
    "LICENCE_NOT_ACTIVE",
    `no branded item labels can be issued: the batch's licence ${id} of ${batch.brand} ${why}`,
    {
      licenceId: id,
      status: licence?.status ?? null,
      reason: licence?.statusReason ?? null,
      statusChangedAt: licence ? new Date(licence.statusChangedAt).toISOString() : null,
    },
  );
}
