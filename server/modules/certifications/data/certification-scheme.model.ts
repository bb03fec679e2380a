import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/** A certification scheme added by an admin (the built-in ones are in modules/certifications/domain). */
export interface CertificationSchemeDoc {
  _id: Types.ObjectId;
  code: string;
  name: string;
  nameEn?: string;
  description?: string;
  createdAt: Date;
}

const certificationSchemeSchema = new Schema<CertificationSchemeDoc>(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    nameEn: String,
    description: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
certificationSchemeSchema.index({ code: 1 }, { unique: true });

export function certificationSchemeModel(connection: Connection) {
  return modelFor(connection, "CertificationScheme", certificationSchemeSchema);
}
