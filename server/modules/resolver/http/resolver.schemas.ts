import { z } from "zod";

/** `/recall-status/01/{gtin}/10/{lot}`: the lot's Digital Link path after the prefix. */
export const recallStatusParams = z.strictObject({
  gtin: z.string().max(40),
  lot: z.string().max(80),
});

/** GS1 application identifiers a resolver passes on with a redirect (e.g. `17=260101`); unused. */
export const digitalLinkAttributes = z.record(
  z.string().regex(/^(\d{2,4}|lang)$/, "is not a GS1 application identifier"),
  z.string().max(200),
);
