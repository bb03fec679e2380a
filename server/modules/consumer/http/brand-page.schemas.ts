import { z } from "zod";

/**
 * The public brand page. Any id is accepted here: an id that names no brand, malformed or not,
 * gets the page's own 404 (bilingual HTML, or the JSON error), never a validation error.
 */
export const brandPageParams = z.strictObject({ id: z.string() });

export const brandPageQuery = z.strictObject({
  lang: z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).optional(),
});
