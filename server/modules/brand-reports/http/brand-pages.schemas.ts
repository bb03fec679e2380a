import { z } from "zod";
import { objectId } from "../../../platform/http/common.schemas";

export const brandPageLinkParams = z.strictObject({ id: objectId });

export const brandPageLinkBody = z.strictObject({
  /** How long the links open their pages: 1 hour to 7 days (default 24 hours). */
  hours: z.number().int().min(1, "must be at least 1").max(168, "must be at most 168 (7 days)").default(24),
});

/** A signed page link's query: its expiry and signature, and the page language. */
export const signedPageQuery = z.strictObject({
  expires: z.string().regex(/^\d{1,12}$/, "must be a Unix time in seconds"),
  sig: z.string().regex(/^[\w-]{1,100}$/, "must be the link's signature"),
  lang: z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).optional(),
});
