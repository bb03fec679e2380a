import { z } from "zod";
import { FAKE_REPORT_REASONS } from "../../labels";

export const fakeReportParams = z.strictObject({
  gtin: z.string().max(40),
  lot: z.string().max(80),
  serial: z.string().max(80),
});

export const fakeReportBody = z.strictObject({
  reason: z.enum(FAKE_REPORT_REASONS, { message: `must be one of ${FAKE_REPORT_REASONS.join(", ")}` }),
  lang: z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).optional(),
});
