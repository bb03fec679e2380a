import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A console session. The cookie carries a random id; only its SHA-256 (`idHash`) is stored, so a
 * copy of the database opens no session. The CSRF token is the synchronizer token the console
 * sends back in X-CSRF-Token. The session ends at `expiresAt` (absolute) or when unused for the
 * idle period since `lastSeenAt`.
 */
export interface SessionDoc {
  _id: Types.ObjectId;
  idHash: string;
  memberId: Types.ObjectId;
  orgId: Types.ObjectId;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    idHash: { type: String, required: true, unique: true },
    memberId: { type: Schema.Types.ObjectId, required: true, index: true },
    orgId: { type: Schema.Types.ObjectId, required: true },
    csrfToken: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    // MongoDB deletes ended sessions by itself (TTL index); reads check the time anyway.
    expiresAt: { type: Date, required: true, expires: 0 },
  },
  { versionKey: false, strict: "throw" },
);

export function sessionModel(connection: Connection) {
  return modelFor(connection, "Session", sessionSchema);
}
