import { Schema, Types, type Connection } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A named lease: at most one holder at a time, until `expiresAtMs`. Every change is a conditional
 * single-document update, so it is atomic on MongoDB and on the embedded engine. Each lease has a
 * fixed ObjectId (the embedded engine cannot use string ids, and duplicate `_id`s are rejected
 * everywhere), so concurrent first upserts create one document.
 */
export interface LeaseDoc {
  _id: Types.ObjectId;
  name: string;
  holder: string | null;
  /** Incremented at every acquisition: tells one tenure from the next (a fencing token). */
  token: number;
  /** Epoch milliseconds (numbers compare the same on every engine). */
  expiresAtMs: number;
  acquiredAt: Date | null;
  renewedAt: Date | null;
  /** Set by `POST /api/anchors/run` on any instance; the holder runs a window when it sees it. */
  runRequestedAtMs: number;
}

const leaseSchema = new Schema<LeaseDoc>(
  {
    name: { type: String, required: true },
    holder: { type: String, default: null },
    token: { type: Number, default: 0 },
    expiresAtMs: { type: Number, default: 0 },
    acquiredAt: { type: Date, default: null },
    renewedAt: { type: Date, default: null },
    runRequestedAtMs: { type: Number, default: 0 },
  },
  { versionKey: false },
);
leaseSchema.index({ name: 1 }, { unique: true });

export function leaseModel(connection: Connection) {
  return modelFor(connection, "Lease", leaseSchema);
}

/** The fixed id of a lease: its name in ASCII, zero-padded to 12 bytes. */
export function leaseId(name: string): Types.ObjectId {
  const bytes = Buffer.alloc(12);
  if (Buffer.byteLength(name) > 12) throw new RangeError(`lease name ${name} is longer than 12 bytes`);
  bytes.write(name, "ascii");
  return new Types.ObjectId(bytes.toString("hex"));
}
