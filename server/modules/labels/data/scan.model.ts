import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * The first scan of an item serial's Digital Link by one device on one UTC day (`day`,
 * YYYY-MM-DD): later scans that day by that device are not logged. `client` is a pseudonym of the
 * device (its first-party cookie, initially a truncated SHA-256 of its address and user agent),
 * enough to count distinct devices without keeping either. `regionCode` is the GB/T 2260 region the
 * shopper chose to share for that scan (a province from the browser's coordinates, which are not
 * kept, or a region picked from a list); at most once per entry.
 */
export interface ScanDoc {
  _id: Types.ObjectId;
  serialId: Types.ObjectId;
  batchId: Types.ObjectId;
  at: Date;
  day: string;
  client: string;
  regionCode?: string;
}

const scanSchema = new Schema<ScanDoc>(
  {
    serialId: { type: Schema.Types.ObjectId, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    day: { type: String, required: true },
    client: { type: String, required: true },
    regionCode: { type: String },
  },
  { versionKey: false },
);
scanSchema.index({ serialId: 1, _id: -1 });
scanSchema.index({ serialId: 1, client: 1, day: 1 }, { unique: true });

export function scanModel(connection: Connection) {
  return modelFor(connection, "Scan", scanSchema);
}
