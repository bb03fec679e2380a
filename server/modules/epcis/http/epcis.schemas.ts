import { z } from "zod";
import { gtinProblem } from "../../batches";
import { isoDateTime, objectId, paginationQuery } from "../../../platform/http/common.schemas";

const gtin = z.string().superRefine((value, ctx) => {
  const problem = gtinProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const epcisEventsQuery = z.strictObject({
  ...paginationQuery,
  batch: objectId.optional(),
  gtin: gtin.optional(),
  lot: z.string().max(20).optional(),
  product: z.string().max(200).optional(),
  from: isoDateTime.optional().describe("events at or after this time"),
  to: isoDateTime.optional().describe("events before this time"),
  bizStep: z.string().max(300).optional().describe("CBV business step (shipping), its URN, or a URI"),
});

export const epcisEventParams = z.strictObject({ id: objectId });
export const captureIdParams = z.strictObject({ id: objectId });

/**
 * The envelope only: the document itself is validated against GS1's official EPCIS 2.0 JSON
 * schema by the capture use-case, which reports every problem with its JSON path.
 */
export const captureBody = z
  .looseObject({
    type: z.string(),
    epcisBody: z
      // At most CAPTURE_MAX_EVENTS (configuration), counted before this by the body reader: 413.
      .looseObject({ eventList: z.array(z.unknown()).optional() })
      .optional(),
  })
  .describe("An EPCIS 2.0 EPCISDocument (JSON-LD)");

// --- Spreadsheet import (POST /api/imports) -----------------------------------------------------

export const importQuery = z.strictObject({
  dryRun: z.enum(["true", "false"]).default("false").describe("check every row and store nothing"),
  name: z
    .string()
    .max(200)
    .regex(/^[^/\\]+$/, "must be a file name without a path")
    .optional()
    .describe("file name (.csv or .xlsx), shown in the import's record"),
});

export const importIdParams = z.strictObject({ id: objectId });
