import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

export const ORGANIZATION_ROLES = [
  "producer",
  "processor",
  "logistics",
  "retailer",
  "certifier",
  "auditor",
  "brand_owner",
  "admin",
] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

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

export function organizationModel(connection: Connection) {
  return modelFor(connection, "Organization", organizationSchema);
}
