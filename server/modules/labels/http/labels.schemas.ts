import { z } from "zod";

/** A label sheet: `count` labels of the batch's QR, or of its item serials with `serials=true`. */
export const labelsQuery = z.strictObject({
  /** At most LABELS_MAX_PER_REQUEST (configuration), checked by the route: 413 naming the key. */
  count: z.coerce.number().int().min(1).default(24),
  serials: z.enum(["true", "false"], { message: 'must be "true" or "false"' }).default("false"),
  /** With serials: skip this many of the batch's serials (issue order), to print the next sheet run. */
  offset: z.coerce.number().int().min(0).default(0),
  ecc: z.enum(["L", "M", "Q", "H"]).default("Q"),
});
