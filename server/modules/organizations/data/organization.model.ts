import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import { ORGANIZATION_ROLES, type OrganizationRole } from "../domain/organization-role";

/** How shoppers reach an organization (shown on consumer pages, e.g. in a recall banner). */
export interface PublicContact {
  phone?: string;
  email?: string;
}

export interface OrganizationDoc {
  _id: Types.ObjectId;
  name: string;
  roles: OrganizationRole[];
  address?: string;
  /** Set by the organization's admin; absent until then (pages never invent one). */
  publicContact?: PublicContact;
  createdAt: Date;
}

const organizationSchema = new Schema<OrganizationDoc>(
  {
    name: { type: String, required: true },
    roles: { type: [String], enum: ORGANIZATION_ROLES, required: true },
    address: { type: String, lowercase: true },
    publicContact: { type: new Schema({ phone: String, email: String }, { _id: false }), default: undefined },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, strict: "throw" },
);

// The recipient directory selects by role (organizations.ts, directoryOf).
organizationSchema.index({ roles: 1 });

export function organizationModel(connection: Connection) {
  return modelFor(connection, "Organization", organizationSchema);
}
