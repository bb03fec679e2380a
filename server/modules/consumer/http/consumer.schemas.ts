import { z } from "zod";
import { publicIdSchema } from "../../batches";

/** Page language; `?lang=` wins over Accept-Language. */
const lang = z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).optional();

export const consumerBatchParams = z.strictObject({ publicId: publicIdSchema });

/**
 * Query of a Digital Link page: `lang`, plus the query attributes GS1 Digital Link allows
 * (numeric application identifiers such as 17=260101, and the resolver's `linkType`), which are
 * accepted and not used.
 */
export const consumerQuery = z
  .record(
    z
      .string()
      .regex(
        /^(lang|linkType|\d{2,4})$/,
        "is not a known Digital Link query attribute (lang, linkType or a GS1 AI)",
      ),
    z.string().max(200),
  )
  .superRefine((query, ctx) => {
    const parsed = lang.safeParse(query.lang);
    if (!parsed.success) ctx.addIssue({ code: "custom", path: ["lang"], message: 'must be "zh" or "en"' });
  });

export const digitalLinkParams = z.strictObject({
  gtin: z.string().max(40),
  lot: z.string().max(80),
  serial: z.string().max(80).optional(),
});
