import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/** Why a shopper reports an item as fake: a fixed list, so a report stores no free text. */
export const FAKE_REPORT_REASONS = ["label-copied", "package-differs", "product-differs", "seller-suspicious"] as const;
export type FakeReportReason = (typeof FAKE_REPORT_REASONS)[number];

/**
 * A shopper's report that the item in hand looks fake: at most one per serial and device (the
 * same pseudonym as a scan's), so the collection cannot grow faster than the scans.
 */
export interface FakeReportDoc {
  _id: Types.ObjectId;
  serialId: Types.ObjectId;
  batchId: Types.ObjectId;
  client: string;
  reason: FakeReportReason;
  at: Date;
}

const fakeReportSchema = new Schema<FakeReportDoc>(
  {
    serialId: { type: Schema.Types.ObjectId, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
    client: { type: String, required: true },
    reason: { type: String, enum: FAKE_REPORT_REASONS, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
fakeReportSchema.index({ serialId: 1, client: 1 }, { unique: true });
fakeReportSchema.index({ batchId: 1 });

export function fakeReportModel(connection: Connection) {
  return modelFor(connection, "FakeReport", fakeReportSchema);
}
