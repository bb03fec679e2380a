import { z } from "zod";
import { isoDateTime, objectId, paginationQuery } from "../../../platform/http/common.schemas";

/** Default age (seconds) after which an event that is still not anchored is reported. */
export const DEFAULT_UNANCHORED_AFTER_SEC = 24 * 3600;

const unanchoredAfterSec = z.coerce
  .number()
  .int()
  .min(0, "must be 0 or more seconds")
  .max(365 * 24 * 3600, "must be at most a year in seconds")
  .default(DEFAULT_UNANCHORED_AFTER_SEC);

export const auditBatchParams = z.strictObject({ id: objectId });
export const auditBatchQuery = z.strictObject({ unanchoredAfterSec: unanchoredAfterSec });

/** A GB/T 2260 province, city or county code: the first 2, 4 or 6 digits of a batch's region code. */
export const regionCodePrefix = z
  .string()
  .regex(
    /^\d{2}(\d{2}){0,2}$/,
    "must be a GB/T 2260 region code of 2, 4 or 6 digits (province, city or county)",
  );

export const auditRunParams = z.strictObject({ id: objectId });
export const listAuditRunsQuery = z.strictObject({ limit: paginationQuery.limit });

export const createAuditRunBody = z.strictObject({
  scope: z
    .strictObject({
      /** Batches produced by this organization. */
      orgId: objectId.optional(),
      /** Batches carrying this brand, and the brand's licence register (decision 0010). */
      brandId: objectId.optional(),
      /** Batches whose origin lies in this GB/T 2260 region: a province (2 digits), city (4) or county (6). */
      regionCode: regionCodePrefix.optional(),
      /** Batches registered at or after `from` and before `to`. */
      from: isoDateTime.optional(),
      to: isoDateTime.optional(),
    })
    .default({})
    .refine((scope) => !scope.from || !scope.to || new Date(scope.from) < new Date(scope.to), {
      message: "from must be before to",
      path: ["from"],
    }),
  unanchoredAfterSec,
});

export const brandAuditPageParams = z.strictObject({ id: objectId });

/** A signed page link's query: its expiry and signature, and the page language. */
export const brandAuditPageQuery = z.strictObject({
  expires: z.string().regex(/^\d{1,12}$/, "must be a Unix time in seconds"),
  sig: z.string().regex(/^[\w-]{1,100}$/, "must be the link's signature"),
  lang: z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).optional(),
});

export const regionalOverviewQuery = z.strictObject({ regionCode: regionCodePrefix.optional() });
