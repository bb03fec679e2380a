import { z } from "zod";
import { WINDOW_STATES } from "../domain/window-state";
import { objectId } from "../../../platform/http/common.schemas";

export const runAnchorsQuery = z.strictObject({
  wait: z.enum(["true", "false"]).optional(),
});

export const listAnchorsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The `nextCursor` of the previous page (windows are listed newest first). */
  cursor: objectId.optional(),
  state: z.enum(WINDOW_STATES).optional(),
});

export const eventIdParams = z.strictObject({ id: objectId });

export const ledgerMapWindowsQuery = z.strictObject({
  /** Windows with a higher index than this (0: from the first). */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
