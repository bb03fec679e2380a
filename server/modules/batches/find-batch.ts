import type { Types } from "mongoose";
import type { BatchDoc } from "./data/batch.model";
import { BatchRepository } from "./data/batch.repository";
import { NotFoundError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";

/** A batch by id; 404 when there is none. */
export async function findBatch(ctx: UseCaseContext, batchId: string | Types.ObjectId): Promise<BatchDoc> {
  const batch = await new BatchRepository(ctx.connection).findById(batchId);
  if (!batch) throw new NotFoundError("batch", String(batchId));
  return batch;
}
