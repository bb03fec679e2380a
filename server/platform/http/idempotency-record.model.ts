import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../mongo/model-for";

/** A POST request seen with an Idempotency-Key, and the response to replay on retries. */
export interface IdempotencyRecordDoc {
  _id: Types.ObjectId;
  /** The caller: organization and API key (`orgId/keyId`); keys of other callers never match. */
  scope: string;
  key: string;
  fingerprint: string;
  state: "in_progress" | "done";
  status?: number;
  body?: unknown;
  /** The response held a secret shown once (a new API key): `body` is stored without it. */
  secretWithheld?: boolean;
  /** When the claim was made (or taken over): see STALE_CLAIM_MS. */
  createdAt: Date;
  /** After this the key is forgotten, as if never used. */
  expiresAt: Date;
}

const idempotencyRecordSchema = new Schema<IdempotencyRecordDoc>(
  {
    scope: { type: String, required: true },
    key: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true },
    status: Number,
    body: Schema.Types.Mixed,
    secretWithheld: Boolean,
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
idempotencyRecordSchema.index({ scope: 1, key: 1 }, { unique: true });
// Real MongoDB deletes expired records itself; on the embedded engine (no TTL monitor) the
// middleware checks expiry on every claim and sweeps expired records (ExpiredDocumentSweeper).
idempotencyRecordSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function idempotencyRecordModel(connection: Connection) {
  return modelFor(connection, "IdempotencyRecord", idempotencyRecordSchema);
}
