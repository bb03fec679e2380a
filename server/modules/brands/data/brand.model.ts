import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A regional public brand (区域公用品牌), owned by a brand-owner organization. The brand is also the
 * head of its licence register: a hash chain (head, lastEvent, as on batches) of every licence
 * issued, suspended, reinstated or revoked, anchored like batch events (decision 0010).
 */
export interface BrandDoc {
  _id: Types.ObjectId;
  ownerId: Types.ObjectId;
  name: { zh: string; en: string };
  regionCodes: string[];
  categories: string[];
  requiredSchemes: string[];
  logo?: { sha256: string; mediaType: string; uri?: string };
  head: { seq: number; hash: string; eventId: Types.ObjectId };
  lastEvent: Record<string, unknown>;
  createdAt: Date;
}

const brandSchema = new Schema<BrandDoc>(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true, index: true },
    name: { zh: String, en: String },
    regionCodes: [String],
    categories: [String],
    requiredSchemes: [String],
    logo: { type: Schema.Types.Mixed, default: undefined },
    head: { seq: Number, hash: String, eventId: Schema.Types.ObjectId },
    lastEvent: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: true },
);

export function brandModel(connection: Connection) {
  return modelFor(connection, "Brand", brandSchema);
}
