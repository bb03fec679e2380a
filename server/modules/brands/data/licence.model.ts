import { Schema, type Connection, type Types } from "mongoose";
import type { LicenceStatus } from "../domain/brand-rules";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A producer's licence to sell one product category under a brand for a period, up to a quota.
 * `remaining` is the single point where quota is taken: a claim is one conditional update
 * (`status: active, remaining ≥ q` → `$inc`), atomic on MongoDB and on the embedded engine, so
 * concurrent claims never take more than the quota. Every status change is also an event on the
 * brand's licence register (the history); the document keeps the current status and the id of
 * the register event that recorded it (missing only if the process died between the two writes).
 */
export interface LicenceDoc {
  _id: Types.ObjectId;
  brandId: Types.ObjectId;
  producerId: Types.ObjectId;
  category: string;
  period: { from: string; until: string };
  quota: { value: number; unit: string };
  /** The certification whose quantity cap set the quota, when it was derived from one. */
  quotaCertificationId?: Types.ObjectId;
  used: number;
  remaining: number;
  status: LicenceStatus;
  statusChangedAt: Date;
  statusReason?: string;
  statusEventId?: Types.ObjectId;
  createdAt: Date;
}

const licenceSchema = new Schema<LicenceDoc>(
  {
    brandId: { type: Schema.Types.ObjectId, required: true },
    producerId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    period: { from: String, until: String },
    quota: { value: Number, unit: String },
    quotaCertificationId: { type: Schema.Types.ObjectId, default: undefined },
    used: { type: Number, required: true },
    remaining: { type: Number, required: true },
    status: { type: String, required: true },
    statusChangedAt: { type: Date, required: true },
    statusReason: String,
    statusEventId: Schema.Types.ObjectId,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: true },
);
licenceSchema.index({ brandId: 1, producerId: 1 });
licenceSchema.index({ producerId: 1 });

export function licenceModel(connection: Connection) {
  return modelFor(connection, "Licence", licenceSchema);
}
