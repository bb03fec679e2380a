import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * One document per (certification, batch) that received a `certifying` event. The document is
 * claimed with an atomic upsert before the event is appended, so the event is appended once even
 * when two requests record coverage concurrently (also on engines without unique indexes); it
 * becomes `recorded` with the event's id and hash once the event is in the batch's chain.
 */
export interface CertificationCoverageDoc {
  _id: Types.ObjectId;
  certificationId: Types.ObjectId;
  batchId: Types.ObjectId;
  via: "subject" | "scope";
  state: "claimed" | "recorded";
  eventId: Types.ObjectId | null;
  eventHash: string | null;
  /** Epoch milliseconds (numbers compare the same on every engine). */
  claimedAtMs: number;
}

const certificationCoverageSchema = new Schema<CertificationCoverageDoc>(
  {
    certificationId: { type: Schema.Types.ObjectId, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
    via: { type: String, required: true },
    state: { type: String, required: true },
    eventId: { type: Schema.Types.ObjectId, default: null },
    eventHash: { type: String, default: null },
    claimedAtMs: { type: Number, required: true },
  },
  { versionKey: false },
);
certificationCoverageSchema.index({ certificationId: 1, batchId: 1 }, { unique: true });
certificationCoverageSchema.index({ batchId: 1 });

export function certificationCoverageModel(connection: Connection) {
  return modelFor(connection, "CertificationCoverage", certificationCoverageSchema);
}
