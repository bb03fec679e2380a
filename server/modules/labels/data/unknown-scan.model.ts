import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * One consumer scan of an item link (`/01/{gtin}[/10/{lot}]/21/{serial}`) whose serial was never
 * issued: the mark of a copied or invented label. `batchId` and `brandId` are those of the batch
 * that GTIN and lot name, when exactly one does. `client` is the same device pseudonym as a scan's
 * (a truncated SHA-256 of address and user agent); neither is stored.
 */
export interface UnknownScanDoc {
  _id: Types.ObjectId;
  gtin: string;
  lot: string | null;
  serial: string;
  batchId: Types.ObjectId | null;
  brandId: Types.ObjectId | null;
  at: Date;
  client: string;
}

const unknownScanSchema = new Schema<UnknownScanDoc>(
  {
    gtin: { type: String, required: true },
    lot: { type: String, default: null },
    serial: { type: String, required: true },
    batchId: { type: Schema.Types.ObjectId, default: null },
    brandId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    client: { type: String, required: true },
  },
  { versionKey: false },
);
unknownScanSchema.index({ brandId: 1, at: 1 });
unknownScanSchema.index({ gtin: 1, lot: 1 });

export function unknownScanModel(connection: Connection) {
  return modelFor(connection, "UnknownScan", unknownScanSchema);
}
