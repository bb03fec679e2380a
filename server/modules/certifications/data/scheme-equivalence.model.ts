import { Schema, type Connection, type Types } from "mongoose";
import type { SchemeEquivalent } from "../domain/scheme-equivalence";
import { modelFor } from "../../../platform/mongo/model-for";

/** The equivalents an admin declared for one of our schemes (one document per scheme). */
export interface SchemeEquivalenceDoc {
  _id: Types.ObjectId;
  scheme: string;
  equivalents: SchemeEquivalent[];
  updatedAt: Date;
  /** The organization whose admin set them (who said so). */
  updatedBy: Types.ObjectId;
}

const schemeEquivalenceSchema = new Schema<SchemeEquivalenceDoc>(
  {
    scheme: { type: String, required: true },
    equivalents: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false, minimize: false },
);
schemeEquivalenceSchema.index({ scheme: 1 }, { unique: true });

export function schemeEquivalenceModel(connection: Connection) {
  return modelFor(connection, "SchemeEquivalence", schemeEquivalenceSchema);
}
