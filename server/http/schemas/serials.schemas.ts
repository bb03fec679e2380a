import { z } from "zod";
import { MAX_SERIALS_PER_REQUEST } from "../../use-cases/serials";
import { objectId, paginationQuery } from "./common.schemas";

export const issueSerialsBody = z.strictObject({
  count: z.number().int().min(1).max(MAX_SERIALS_PER_REQUEST),
});

export const listSerialsQuery = z.strictObject({
  limit: paginationQuery.limit,
  cursor: objectId.optional(),
});
