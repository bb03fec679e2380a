import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * An item-level serial (GS1 AI 21) issued for a batch: the key of one package's own QR code.
 * Serials are random (80 bits), so a valid one cannot be guessed from others. `scans` counts the
 * device-days on which its Digital Link was scanned; the scan log itself is in `scans`. `itemQuantity` is what the
 * labelled item holds (required for branded batches); `issueId` groups the serials of one request.
 */
export interface SerialDoc {
  _id: Types.ObjectId;
  batchId: Types.ObjectId;
  serial: string;
  issuedBy: Types.ObjectId;
  issueId?: Types.ObjectId;
  itemQuantity?: { value: number; unit: string };
  createdAt: Date;
  scans: number;
  firstScanAt: Date | null;
  lastScanAt: Date | null;
}

const serialSchema = new Schema<SerialDoc>(
  {
    batchId: { type: Schema.Types.ObjectId, required: true },
    serial: { type: String, required: true },
    issuedBy: { type: Schema.Types.ObjectId, required: true },
    issueId: { type: Schema.Types.ObjectId, default: undefined },
    itemQuantity: { type: new Schema({ value: Number, unit: String }, { _id: false }), default: undefined },
    createdAt: { type: Date, required: true },
    scans: { type: Number, default: 0 },
    firstScanAt: { type: Date, default: null },
    lastScanAt: { type: Date, default: null },
  },
  { versionKey: false },
);
// Unique on MongoDB; on the embedded engine uniqueness rests on 80 random bits per serial.
serialSchema.index({ batchId: 1, serial: 1 }, { unique: true });
serialSchema.index({ batchId: 1, _id: 1 });
// EPCIS capture places an SGTIN's serial in its batch (decision 0031).
serialSchema.index({ serial: 1 });

export function serialModel(connection: Connection) {
  return modelFor(connection, "Serial", serialSchema);
}
