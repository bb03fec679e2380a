import { z } from "zod";
import { objectId } from "../../../platform/http/common.schemas";

export const brandReportParams = z.strictObject({ id: objectId });

export const brandReportQuery = z.strictObject({
  format: z.enum(["json", "csv"], { message: 'must be "json" or "csv"' }).default("json"),
  /** List each licence's batches (quantity, whether it claimed quota, labels). */
  batches: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).default("false"),
});
