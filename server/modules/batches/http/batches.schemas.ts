import { z } from "zod";
import { BATCH_STATUSES } from "../domain/batch-status";
import { newEventInput } from "../domain/new-batch-input";
import { isoDate, objectId, paginationQuery } from "../../../platform/http/common.schemas";

export const batchIdParams = z.strictObject({ id: objectId });

export const listBatchesQuery = z.strictObject({
  ...paginationQuery,
  product: z.string().max(200).optional(),
  category: z.string().max(40).optional(),
  gtin: z.string().max(14).optional(),
  lot: z.string().max(20).optional(),
  producer: objectId.optional(),
  holder: objectId.optional(),
  status: z.enum(BATCH_STATUSES).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

/** The most events one bulk request may record (one commit; the batch holds their copies until inserted). */
export const MAX_BULK_EVENTS = 500;

export const createEventsBody = z.strictObject({
  events: z.array(newEventInput).min(1).max(MAX_BULK_EVENTS),
});

export const listEventsQuery = z.strictObject({ ...paginationQuery });
