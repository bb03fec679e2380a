import { z } from "zod";
import {
  CBV_TERM_PATTERN,
  CLIENT_EVENT_TYPES,
  COMMITMENT_KEY,
  privatePointerSyntaxProblem,
} from "../../ledger";
import { regionCodeProblem } from "../../../platform/web/region-code";
import {
  eventTimestamp,
  harvestDate,
  plainText,
  objectId,
  quantity,
  safeJsonObject,
} from "../../../platform/http/common.schemas";
import { gtinProblem } from "./gtin";

/**
 * What a new batch and a new event must look like, wherever they come from: the REST API, a
 * spreadsheet import row or an EPCIS capture all parse with these schemas, so an imported batch
 * or event obeys exactly the rules of one posted by hand.
 */

/** GS1 AI (10) batch/lot: up to 20 characters of GS1 character set 82. */
export const lotSchema = z
  .string()
  .regex(
    /^[!"%-?A-Z_a-z]{1,20}$/,
    "must be 1-20 characters of the GS1 character set 82 (letters, digits, -./_ …)",
  );

const gtin = z.string().superRefine((value, ctx) => {
  const problem = gtinProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const regionCode = z.string().superRefine((value, ctx) => {
  const problem = regionCodeProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const productSchema = z.strictObject({
  name: plainText(200),
  category: z.string().regex(/^[a-z][a-z_-]{1,39}$/, "must be a lowercase category such as tea, rice, honey"),
  gtin: gtin.optional(),
});

export const geoPoint = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

const attachment = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256 digest"),
  mediaType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, "must be a media type such as application/pdf"),
  uri: z.url().max(2000).optional(),
});

export const newBatchInput = z.strictObject({
  product: productSchema,
  lot: lotSchema.optional(),
  origin: z.strictObject({
    place: plainText(200),
    regionCode,
    location: geoPoint.optional(),
    harvestedAt: harvestDate,
  }),
  quantity,
  /** When the batch was commissioned, e.g. last season's harvest recorded now (default: now). */
  eventTime: eventTimestamp.optional(),
  /** A regional brand's id: the batch claims it against the producer's licence (decision 0010). */
  brand: objectId.optional(),
  ecoAttributes: safeJsonObject.optional(),
  attachments: z.array(attachment).max(50).optional(),
  private: privatePointers(["/data/origin/location", "/data/quantity"]).optional(),
});

const cbvTerm = z.string().regex(CBV_TERM_PATTERN, "must be a CBV term (e.g. inspecting) or its URN");

export const eventLocation = z.strictObject({
  name: plainText(200).optional(),
  regionCode: regionCode.optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  readPoint: z.string().max(300).optional(),
  bizLocation: z.string().max(300).optional(),
});

export const newEventInput = z.strictObject({
  type: z.enum(CLIENT_EVENT_TYPES),
  eventTime: eventTimestamp,
  bizStep: cbvTerm.optional(),
  disposition: cbvTerm.optional(),
  location: eventLocation.optional(),
  data: safeJsonObject.superRefine(refuseSealedMarkers).optional(),
  correctionOf: objectId.optional(),
  private: privatePointers(["/data", "/location"]).optional(),
});

// --- Private fields (decision 0008) -------------------------------------------------------------

/**
 * `private`: JSON Pointers into the hashed event body whose values are replaced by salted
 * commitments before hashing (`/data/price`, `/location/lat`; for a batch, its commissioning
 * event's `/data/origin/location` or `/data/quantity`).
 */
function privatePointers(allowed: readonly string[]) {
  return z
    .array(
      z
        .string()
        .max(300)
        .superRefine((pointer, ctx) => {
          const problem = privatePointerSyntaxProblem(pointer, allowed);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
    )
    .max(50);
}

/** Only the service writes sealed markers; a client value shaped like one is refused. */
function refuseSealedMarkers(value: unknown, ctx: z.RefinementCtx, path: (string | number)[] = []): void {
  if (Array.isArray(value)) value.forEach((item, index) => refuseSealedMarkers(item, ctx, [...path, index]));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === COMMITMENT_KEY) {
        ctx.addIssue({
          code: "custom",
          path: [...path, key],
          message: `is reserved for sealed private fields; list the field in "private" instead`,
        });
      } else refuseSealedMarkers(item, ctx, [...path, key]);
    }
  }
}
