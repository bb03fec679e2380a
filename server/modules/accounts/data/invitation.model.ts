import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import { MEMBER_ROLES, type MemberRole } from "../../organizations";

/**
 * An invitation to join an organization. The token is shown once to the admin who invited; only
 * its SHA-256 is stored. Accepting sets `acceptedAt` (compare-and-set: one account per invitation).
 */
export interface InvitationDoc {
  _id: Types.ObjectId;
  tokenHash: string;
  orgId: Types.ObjectId;
  email: string;
  name: string;
  role: MemberRole;
  /** The member (or, for an API key, the key) who invited. */
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt?: Date;
}

const invitationSchema = new Schema<InvitationDoc>(
  {
    tokenHash: { type: String, required: true, unique: true },
    orgId: { type: Schema.Types.ObjectId, required: true },
    email: { type: String, required: true, lowercase: true },
    name: { type: String, required: true },
    role: { type: String, enum: MEMBER_ROLES, required: true },
    invitedBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    acceptedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, strict: "throw" },
);

export function invitationModel(connection: Connection) {
  return modelFor(connection, "Invitation", invitationSchema);
}
