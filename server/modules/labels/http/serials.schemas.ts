import { z } from "zod";
import { MAX_SERIALS_PER_REQUEST } from "../serials";
import { objectId, paginationQuery, quantity } from "../../../platform/http/common.schemas";

export const issueSerialsBody = z.strictObject({
  count: z.number().int().min(1).max(MAX_SERIALS_PER_REQUEST),
  /**
   * What each labelled item holds, in the batch's unit (e.g. 0.25 KGM). Required for branded
   * batches, whose labelled quantity may never pass the batch's quantity; pieces (H87) default to 1.
   */
  itemQuantity: quantity.optional(),
});

export const listSerialsQuery = z.strictObject({
  limit: paginationQuery.limit,
  cursor: objectId.optional(),
});
