import { z } from "zod";
import { isPrintableKey, storableKeyProblem } from "../storable-json";

export const objectId = z.string().regex(/^[0-9a-f]{24}$/, "must be a 24-character hex id");
export const hexHash = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/, "must be a 0x-prefixed 32-byte lowercase hex hash");
export const ethAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte Ethereum address")
  .transform((value) => value.toLowerCase());

/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm), as EPCIS requires. */
export const isoDateTime = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 date-time with offset",
});
export const isoDate = z.union([z.iso.date({ message: "must be a date (YYYY-MM-DD)" }), isoDateTime]);

const MAX_DEPTH = 8;
const MAX_KEYS = 200;

/**
 * Free-form JSON (event data, eco-attributes) that is safe to store and hash: keys must not start
 * with `$` or contain `.` (MongoDB operators and paths: NoSQL injection) nor be one the database
 * does not store as hashed (`__proto__`, storable-json.ts), numbers must be finite, and the value is
 * bounded in depth and width.
 */
export const safeJsonObject: z.ZodType<Record<string, unknown>> = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => checkJson(value, [], ctx, 0));

function checkJson(value: unknown, path: (string | number)[], ctx: z.RefinementCtx, depth: number): void {
  if (depth > MAX_DEPTH) {
    ctx.addIssue({ code: "custom", path, message: `is nested deeper than ${MAX_DEPTH} levels` });
    return;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    ctx.addIssue({ code: "custom", path, message: "must be a finite number" });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkJson(item, [...path, index], ctx, depth + 1));
  } else if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length > MAX_KEYS)
      ctx.addIssue({ code: "custom", path, message: `has more than ${MAX_KEYS} keys` });
    for (const key of keys) {
      const keyProblem = storableKeyProblem(key);
      if (keyProblem) {
        ctx.addIssue({
          code: "custom",
          path: isPrintableKey(key) ? [...path, key] : path,
          message: keyProblem,
        });
      } else if (key.startsWith("$") || key.includes(".") || key === "") {
        ctx.addIssue({
          code: "custom",
          path: [...path, key],
          message: "is not allowed: keys must not start with $ or contain .",
        });
      } else {
        checkJson((value as Record<string, unknown>)[key], [...path, key], ctx, depth + 1);
      }
    }
  }
}

export const quantity = z.strictObject({
  value: z.number().positive().finite(),
  unit: z.string().regex(/^[A-Z0-9]{2,3}$/, "must be a UN/CEFACT Rec 20 unit code such as KGM, LTR or H87"),
});

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
};
