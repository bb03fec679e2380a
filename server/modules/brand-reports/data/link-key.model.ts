import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * The key that signs brand officers' page links (one document per `name`), created on first use
 * so that every instance of the service shares it.
 */
export interface LinkKeyDoc {
  _id: Types.ObjectId;
  name: string;
  key: string;
  createdAt: Date;
}

const linkKeySchema = new Schema<LinkKeyDoc>(
  {
    name: { type: String, required: true },
    key: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
linkKeySchema.index({ name: 1 }, { unique: true });

export function linkKeyModel(connection: Connection) {
  return modelFor(connection, "LinkKey", linkKeySchema);
}
