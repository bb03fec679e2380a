import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/** API keys are stored only as a SHA-256 hash; `prefix` identifies a key in listings. */
export interface ApiKeyDoc {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  prefix: string;
  hash: string;
  createdAt: Date;
  revokedAt?: Date;
}

const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true, index: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true, unique: true },
    revokedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, strict: "throw" },
);

export function apiKeyModel(connection: Connection) {
  return modelFor(connection, "ApiKey", apiKeySchema);
}
