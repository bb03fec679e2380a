import { Schema, type Connection, type Types } from "mongoose";
import type { StatusChangeTarget } from "../domain/certification-status-change";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A certifier's signed status change that this service relayed to the registry, stored with its
 * signature (so an audit can re-verify it against the registry's EIP-712 domain) as soon as the
 * transaction is broadcast, then updated with the outcome:
 *
 * - `sent`     broadcast, not mined yet (or the service stopped waiting);
 * - `mined`    mined and successful (`blockNumber`);
 * - `reverted` mined but reverted (the state changed between simulation and mining);
 * - `dropped`  replaced by another transaction of the service signer; the signature was not used.
 *
 * The status itself is always read from the chain, never from here.
 */
export const RELAY_STATES = ["sent", "mined", "reverted", "dropped"] as const;
export type RelayState = (typeof RELAY_STATES)[number];

export interface CertificationStatusChangeDoc {
  _id: Types.ObjectId;
  certificationId: Types.ObjectId;
  certHash: string;
  status: StatusChangeTarget;
  reason: string;
  certifier: string;
  nonce: string;
  deadline: number;
  signature: string;
  txHash: string;
  state: RelayState;
  blockNumber: number | null;
  relayedBy: Types.ObjectId;
  relayedAt: Date;
}

const certificationStatusChangeSchema = new Schema<CertificationStatusChangeDoc>(
  {
    certificationId: { type: Schema.Types.ObjectId, required: true },
    certHash: { type: String, required: true },
    status: { type: String, required: true },
    reason: { type: String, required: true },
    certifier: { type: String, required: true },
    nonce: { type: String, required: true },
    deadline: { type: Number, required: true },
    signature: { type: String, required: true },
    txHash: { type: String, required: true },
    state: { type: String, enum: RELAY_STATES, required: true },
    blockNumber: { type: Number, default: null },
    relayedBy: { type: Schema.Types.ObjectId, required: true },
    relayedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
certificationStatusChangeSchema.index({ certificationId: 1, _id: 1 });

export function certificationStatusChangeModel(connection: Connection) {
  return modelFor(connection, "CertificationStatusChange", certificationStatusChangeSchema);
}
