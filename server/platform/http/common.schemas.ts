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

/**
 * The plausibility window of recorded times (decision 0020): nothing happened before
 * EARLIEST_RECORDED_TIME (1970), an event is at most EVENT_TIME_MAX_FUTURE_DAYS (3) ahead of the
 * server's clock (a device whose clock runs fast, a time zone written wrongly), and a harvest at
 * most HARVEST_MAX_FUTURE_DAYS (1, slack for time zones). Years 0000 and 9999 are typing errors,
 * not facts to anchor for good. The schemas are module constants shared by every route, so the
 * window is process-wide: createApp sets it from the configuration.
 */
export interface PlausibleTimeWindow {
  earliest: string;
  eventMaxFutureDays: number;
  harvestMaxFutureDays: number;
}

export const DEFAULT_PLAUSIBLE_TIME_WINDOW: PlausibleTimeWindow = {
  earliest: "1970-01-01T00:00:00Z",
  eventMaxFutureDays: 3,
  harvestMaxFutureDays: 1,
};

let timeWindow = DEFAULT_PLAUSIBLE_TIME_WINDOW;

export function setPlausibleTimeWindow(window: PlausibleTimeWindow): void {
  timeWindow = window;
}

const DAY_MS = 24 * 3600 * 1000;

function plausibleTime(maxFutureDays: (window: PlausibleTimeWindow) => number) {
  return (value: string, ctx: z.RefinementCtx) => {
    const time = Date.parse(value);
    const days = maxFutureDays(timeWindow);
    if (time < Date.parse(timeWindow.earliest)) {
      ctx.addIssue({ code: "custom", message: `must not be before ${timeWindow.earliest}` });
    } else if (time > Date.now() + days * DAY_MS) {
      ctx.addIssue({ code: "custom", message: `must not be more than ${days} days in the future` });
    }
  };
}

/** When an event happened: an ISO date-time with offset inside the plausibility window. */
export const eventTimestamp = isoDateTime.superRefine(plausibleTime((window) => window.eventMaxFutureDays));

/** When a harvest happened: a date or date-time inside the plausibility window. */
export const harvestDate = isoDate.superRefine(plausibleTime((window) => window.harvestMaxFutureDays));

/**
 * Characters refused in text a person reads (names, places, reasons) and in free-form JSON strings:
 * C0/C1 controls (NUL and the like) and the bidirectional overrides and isolates that make a name
 * display differently from what it stores (U+202E). `multiline` keeps tab and line breaks.
 */
const CONTROL_OR_BIDI = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const NO_CONTROL_CHARACTERS = "must not contain control or bidirectional-override characters";

export function hasControlCharacters(value: string, multiline = false): boolean {
  return CONTROL_OR_BIDI.test(multiline ? value.replace(/[\t\n\r]/g, "") : value);
}

/** Human-readable text: trimmed, 1..max characters, no control or bidi-override characters. */
export function plainText(max: number, options: { multiline?: boolean } = {}) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !hasControlCharacters(value, options.multiline), NO_CONTROL_CHARACTERS);
}

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
  } else if (typeof value === "string" && hasControlCharacters(value, true)) {
    ctx.addIssue({ code: "custom", path, message: NO_CONTROL_CHARACTERS });
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

/** The body of a POST or DELETE that takes none: nothing, or an empty JSON object. */
export const emptyBody = z.strictObject({});

export const quantity = z.strictObject({
  value: z.number().positive().finite(),
  unit: z.string().regex(/^[A-Z0-9]{2,3}$/, "must be a UN/CEFACT Rec 20 unit code such as KGM, LTR or H87"),
});

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
};
