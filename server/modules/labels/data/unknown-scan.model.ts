import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * The scans by one device on one UTC day (`day`) of item links (`/01/{gtin}[/10/{lot}]/21/{serial}`)
 * under one GTIN and lot whose serials were never issued: the mark of a copied or invented label.
 * One document per GTIN, lot, device and day, whatever the number of requests (`requests` counts
 * them, `serial` is the first one seen), so a script inventing serials cannot fill the database or
 * pass for many shoppers. `batchId` and `brandId` are those of the batch that GTIN and lot name,
 * when exactly one does. `client` is the same device pseudonym as a scan's.
 */
export interface UnknownScanDoc {
  _id: Types.ObjectId;
  gtin: string;
  lot: string | null;
  serial: string;
  batchId: Types.ObjectId | null;
  brandId: Types.ObjectId | null;
  at: Date;
  lastAt: Date;
  day: string;
  requests: number;
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
    lastAt: { type: Date, required: true },
    day: { type: String, required: true },
    requests: { type: Number, required: true },
    client: { type: String, required: true },
  },
  { versionKey: false },
);
unknownScanSchema.index({ brandId: 1, at: 1 });
unknownScanSchema.index({ gtin: 1, lot: 1, client: 1, day: 1 }, { unique: true });

export function unknownScanModel(connection: Connection) {
  return modelFor(connection, "UnknownScan", unknownScanSchema);
}
