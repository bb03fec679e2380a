import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A certifier registration (or deregistration) this service sent to the registry as its admin,
 * keyed by the organization's id. Kept so that a chain that lost it (a reset embedded chain) can
 * be given it again; what counts is always the registry's own record.
 */
export interface CertifierRegistrationDoc {
  _id: Types.ObjectId;
  address: string;
  name: string;
  metadataHash: string;
  active: boolean;
  txHash: string;
  updatedAt: Date;
}

const certifierRegistrationSchema = new Schema<CertifierRegistrationDoc>(
  {
    address: { type: String, required: true },
    name: { type: String, required: true },
    metadataHash: { type: String, required: true },
    active: { type: Boolean, required: true },
    txHash: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function certifierRegistrationModel(connection: Connection) {
  return modelFor(connection, "CertifierRegistration", certifierRegistrationSchema);
}
