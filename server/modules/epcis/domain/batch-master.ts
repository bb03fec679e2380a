import { z } from "zod";
import { geoPoint, lotSchema, newBatchInput, productSchema } from "../../batches";
import { harvestDate, plainText, quantity } from "../../../platform/http/common.schemas";

/** `ilmd["ecotrace:batch"]` of a commissioning event: POST /api/batches without quantity, lot required. */
export const capturedBatchMaster = newBatchInput.omit({ eventTime: true }).extend({ lot: lotSchema });

/** The same for the output of a transformation, whose origin may come from its inputs. */
export const derivedBatchMaster = capturedBatchMaster.extend({
  origin: newBatchInput.shape.origin.optional(),
});

/**
 * A batch from CBV master data (decision 0031): what the event states, nothing else. Category and
 * region are never stated by CBV master data; place, country, coordinates, harvest time and name may be.
 */
export const standardBatchMaster = z.strictObject({
  product: z.strictObject({ name: plainText(200).optional(), gtin: productSchema.shape.gtin }),
  lot: lotSchema,
  origin: z.strictObject({
    place: plainText(200).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as CN")
      .optional(),
    location: geoPoint.optional(),
    harvestedAt: harvestDate.optional(),
  }),
  quantity,
});

/** The ilmd keys that may name the product, best first. */
const NAME_KEYS = ["cbvmda:descriptionShort", "cbvmda:regulatedProductName", "cbvmda:tradeItemDescription"];

/**
 * A new batch's master data read from the CBV master data of a commissioning (ilmd `cbvmda:*`) and
 * its read point: each field is taken only where the event states it. Values that are present but
 * unusable are problems naming their ilmd key, so a capture refuses them rather than dropping them.
 */
export function cbvBatchMaster(
  ilmd: Record<string, unknown>,
  readPoint: string | undefined,
  ref: { gtin: string; lot: string },
  quantityValue: { value: number; unit: string },
): { master: z.input<typeof standardBatchMaster>; problems: string[] } {
  const problems: string[] = [];
  const name = NAME_KEYS.map((key) => textOf(ilmd[key])).find((value) => value !== undefined);
  const farms = Array.isArray(ilmd["cbvmda:farmList"])
    ? (ilmd["cbvmda:farmList"] as unknown[])
        .map((farm) => farm as Record<string, unknown> | null)
        .map((farm) => textOf(farm?.farmIdentification ?? farm?.["cbvmda:farmIdentification"]))
        .filter((id): id is string => id !== undefined)
    : [];
  const geo = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/.exec(readPoint ?? "");
  const place = farms.length > 0 ? farms.join("; ") : !geo && readPoint ? readPoint : undefined;
  const country = ilmd["cbvmda:countryOfOrigin"];
  if (country !== undefined && (typeof country !== "string" || !/^[A-Z]{2}$/.test(country)))
    problems.push('ilmd["cbvmda:countryOfOrigin"] must be an ISO 3166-1 alpha-2 country code such as CN');
  const harvestedAt = ilmd["cbvmda:harvestStartDate"];
  if (harvestedAt !== undefined && !harvestDate.safeParse(harvestedAt).success)
    problems.push('ilmd["cbvmda:harvestStartDate"] must be a date (YYYY-MM-DD) not in the future');
  const master = {
    product: { ...(name !== undefined ? { name } : {}), gtin: ref.gtin },
    lot: ref.lot,
    origin: {
      ...(place !== undefined ? { place } : {}),
      ...(typeof country === "string" ? { country } : {}),
      ...(geo ? { location: { lat: Number(geo[1]), lon: Number(geo[2]) } } : {}),
      ...(typeof harvestedAt === "string" ? { harvestedAt } : {}),
    },
    quantity: quantityValue,
  };
  return { master, problems };
}

/** A CBV text value: a string, or a language-tagged `{ "@value" }` (the first of a list). */
function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (value !== null && typeof value === "object")
    return textOf((value as Record<string, unknown>)["@value"]);
  return undefined;
}
