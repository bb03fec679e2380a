import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * The opening of one private event field (decision 0008): the value and salt behind a commitment
 * in a hashed event body. Stored before the event is appended, keyed by the commitment, so an
 * event never carries a commitment whose opening was lost; an opening whose append failed is
 * inert (nothing refers to its commitment). `canonical` is the RFC 8785 form of the value, kept
 * as a string so the commitment can be recomputed byte for byte whatever the database does to
 * numbers. Never served publicly: only to the organization that sealed it, auditors and admins.
 */
export interface SealedFieldDoc {
  _id: Types.ObjectId;
  commitment: string;
  batchId: Types.ObjectId;
  actorId: Types.ObjectId;
  pointer: string;
  salt: string;
  canonical: string;
  createdAt: Date;
}

const sealedFieldSchema = new Schema<SealedFieldDoc>(
  {
    commitment: { type: String, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
    actorId: { type: Schema.Types.ObjectId, required: true },
    pointer: { type: String, required: true },
    salt: { type: String, required: true },
    canonical: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
sealedFieldSchema.index({ commitment: 1 });
sealedFieldSchema.index({ batchId: 1 });

export function sealedFieldModel(connection: Connection) {
  return modelFor(connection, "SealedField", sealedFieldSchema);
}
