import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * One resolution of an item serial's Digital Link. `client` is a pseudonym of the scanning device
 * (a truncated SHA-256 of its address and user agent), enough to count distinct devices without
 * keeping either.
 */
export interface ScanDoc {
  _id: Types.ObjectId;
  serialId: Types.ObjectId;
  batchId: Types.ObjectId;
  at: Date;
  client: string;
}

const scanSchema = new Schema<ScanDoc>(
  {
    serialId: { type: Schema.Types.ObjectId, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    client: { type: String, required: true },
  },
  { versionKey: false },
);
scanSchema.index({ serialId: 1, _id: -1 });

export function scanModel(connection: Connection) {
  return modelFor(connection, "Scan", scanSchema);
}
