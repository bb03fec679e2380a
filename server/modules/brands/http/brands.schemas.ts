import { z } from "zod";
import { LICENCE_STATUSES } from "../domain/brand-rules";
import { SCHEME_CODE_PATTERN } from "../../certifications";
import { regionCodeProblem } from "../../../platform/web/region-code";
import { productSchema } from "../../batches";
import { objectId, plainText, quantity } from "../../../platform/http/common.schemas";

const regionCode = z.string().superRefine((value, ctx) => {
  const problem = regionCodeProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const day = z.iso.date({ message: "must be a date (YYYY-MM-DD)" });

export const createBrandBody = z.strictObject({
  name: z.strictObject({
    zh: plainText(100),
    en: plainText(100),
  }),
  regionCodes: z.array(regionCode).min(1).max(100),
  categories: z.array(productSchema.shape.category).min(1).max(20),
  requiredSchemes: z
    .array(z.string().regex(SCHEME_CODE_PATTERN, "must be a scheme code such as organic or green-food"))
    .max(10)
    .default([]),
  logo: z
    .strictObject({
      sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256 digest"),
      mediaType: z.string().regex(/^image\/[\w.+-]+$/, "must be an image media type such as image/png"),
      uri: z.url().max(2000).optional(),
    })
    .optional(),
});

export const brandIdParams = z.strictObject({ id: objectId });

export const listBrandsQuery = z.strictObject({ owner: objectId.optional() });

export const createLicenceBody = z
  .strictObject({
    producer: objectId,
    category: productSchema.shape.category,
    period: z.strictObject({ from: day, until: day }).refine((period) => period.from <= period.until, {
      message: "must not end before it starts",
      path: ["until"],
    }),
    quota: quantity.optional(),
    quotaFromCertification: objectId.optional(),
  })
  .refine((body) => (body.quota === undefined) !== (body.quotaFromCertification === undefined), {
    message: "give exactly one of quota or quotaFromCertification",
    path: ["quota"],
  });

export const licenceIdParams = z.strictObject({ id: objectId });

export const licenceStatusBody = z.strictObject({
  reason: plainText(500, { multiline: true }).optional(),
});

export const listLicencesQuery = z.strictObject({ status: z.enum(LICENCE_STATUSES).optional() });

export const listHeldLicencesQuery = z.strictObject({ producer: objectId.optional() });
