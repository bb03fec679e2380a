import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../mongo/model-for";

/** A POST request seen with an Idempotency-Key, and the response to replay on retries. */
export interface IdempotencyRecordDoc {
  _id: Types.ObjectId;
  scope: string;
  key: string;
  fingerprint: string;
  state: "in_progress" | "done";
  status?: number;
  body?: unknown;
  createdAt: Date;
}

const idempotencyRecordSchema = new Schema<IdempotencyRecordDoc>(
  {
    scope: { type: String, required: true },
    key: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true },
    status: Number,
    body: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
idempotencyRecordSchema.index({ scope: 1, key: 1 }, { unique: true });
// Real MongoDB forgets keys after a day; the embedded engine keeps them.
idempotencyRecordSchema.index({ createdAt: 1 }, { expireAfterSeconds: 24 * 60 * 60 });

export function idempotencyRecordModel(connection: Connection) {
  return modelFor(connection, "IdempotencyRecord", idempotencyRecordSchema);
}
