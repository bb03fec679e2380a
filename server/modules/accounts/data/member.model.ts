import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import { MEMBER_ROLES, type MemberRole } from "../../organizations";

/**
 * A person who logs in to the console, member of one organization. Removal keeps the document
 * (`removedAt`), so that a member id in the request log still names someone.
 */
export interface MemberDoc {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  email: string;
  name: string;
  role: MemberRole;
  passwordHash: string;
  createdAt: Date;
  removedAt?: Date;
}

const memberSchema = new Schema<MemberDoc>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true, index: true },
    email: { type: String, required: true, lowercase: true, index: true },
    name: { type: String, required: true },
    role: { type: String, enum: MEMBER_ROLES, required: true },
    passwordHash: { type: String, required: true },
    removedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, strict: "throw" },
);

export function memberModel(connection: Connection) {
  return modelFor(connection, "Member", memberSchema);
}
