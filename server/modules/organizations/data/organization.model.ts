import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import { ORGANIZATION_ROLES, type OrganizationRole } from "../domain/organization-role";

export interface OrganizationDoc {
  _id: Types.ObjectId;
  name: string;
  roles: OrganizationRole[];
  address?: string;
  createdAt: Date;
}

const organizationSchema = new Schema<OrganizationDoc>(
  {
    name: { type: String, required: true },
    roles: { type: [String], enum: ORGANIZATION_ROLES, required: true },
    address: { type: String, lowercase: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, strict: "throw" },
);

// The recipient directory selects by role (organizations.ts, directoryOf).
organizationSchema.index({ roles: 1 });

export function organizationModel(connection: Connection) {
  return modelFor(connection, "Organization", organizationSchema);
}
