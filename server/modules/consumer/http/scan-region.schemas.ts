import { z } from "zod";
import { fakeReportParams } from "./fake-report.schemas";

/** The item a shopper shares a region for: the same path as its fake report. */
export const scanRegionParams = fakeReportParams;

/**
 * Where the shopper is, roughly: the browser's coordinates (JSON from the page's script; reduced
 * to a province at once and never stored) or a GB/T 2260 region code they picked (a form post or
 * JSON), never both.
 */
export const scanRegionBody = z
  .strictObject({
    lat: z
      .number({ message: "must be a number (degrees)" })
      .min(-90, "must be between -90 and 90")
      .max(90, "must be between -90 and 90")
      .optional(),
    lon: z
      .number({ message: "must be a number (degrees)" })
      .min(-180, "must be between -180 and 180")
      .max(180, "must be between -180 and 180")
      .optional(),
    regionCode: z
      .string()
      .regex(/^\d{2}(\d{2}){0,2}$/, "must be a 2-, 4- or 6-digit GB/T 2260 region code")
      .optional(),
    lang: z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).optional(),
  })
  .superRefine((body, ctx) => {
    const point = body.lat !== undefined || body.lon !== undefined;
    if (point && body.regionCode !== undefined)
      ctx.addIssue({ code: "custom", path: ["regionCode"], message: "must not be sent with lat and lon" });
    else if (point && body.lat === undefined)
      ctx.addIssue({ code: "custom", path: ["lat"], message: "is required with lon" });
    else if (point && body.lon === undefined)
      ctx.addIssue({ code: "custom", path: ["lon"], message: "is required with lat" });
    else if (!point && body.regionCode === undefined)
      ctx.addIssue({ code: "custom", path: ["regionCode"], message: "is required (or lat and lon)" });
  });
