import { z } from "zod";
import { TRANSFER_STATUSES } from "../domain/transfer-status";
import { newBatchInput } from "../../batches";
import {
  eventTimestamp,
  objectId,
  plainText,
  quantity,
  safeJsonObject,
} from "../../../platform/http/common.schemas";

export const createTransferBody = z.strictObject({
  to: objectId,
  quantity: quantity.optional(),
  eventTime: eventTimestamp.optional(),
  data: safeJsonObject.optional(),
});

export const transferIdParams = z.strictObject({ id: objectId });

export const decideTransferBody = z.strictObject({
  eventTime: eventTimestamp.optional(),
  reason: plainText(500, { multiline: true }).optional(),
});

export const listTransfersQuery = z.strictObject({
  status: z.enum(TRANSFER_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

// Outputs are commissioned at the transformation's own eventTime.
const outputBatch = newBatchInput
  .omit({ eventTime: true })
  .extend({ origin: newBatchInput.shape.origin.optional() });

export const createTransformationBody = z.strictObject({
  inputs: z
    .array(z.strictObject({ batchId: objectId, quantity }))
    .min(1)
    .max(100),
  outputs: z.array(outputBatch).min(1).max(100),
  eventTime: eventTimestamp.optional(),
  data: safeJsonObject.optional(),
});

export const lineageQuery = z.strictObject({
  direction: z.enum(["upstream", "downstream"]).default("upstream"),
});
