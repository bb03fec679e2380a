import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import type { QuerySchedule } from "../domain/query-schedule";

/** A named query of one organization: its simple event query parameters, as posted. */
export interface EpcisNamedQueryDoc {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  name: string;
  parameters: Record<string, string[]>;
  createdAt: Date;
}

const namedQuerySchema = new Schema<EpcisNamedQueryDoc>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    parameters: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
namedQuerySchema.index({ orgId: 1, name: 1 }, { unique: true });

export function epcisNamedQueryModel(connection: Connection) {
  return modelFor(connection, "EpcisNamedQuery", namedQuerySchema);
}

/**
 * A subscription to a named query: where results go, and the delivery state. `cursor` is the
 * query token after the last stored event already delivered (or examined and not matching);
 * it only moves after the destination answered 2xx, so a crash or a failed delivery sends the
 * same events again (at least once). `leaseUntilMs` is claimed by compare-and-set before a
 * delivery, so one instance delivers at a time.
 */
export interface EpcisSubscriptionDoc {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  queryName: string;
  dest: string;
  signatureToken?: string;
  reportIfEmpty: boolean;
  stream: boolean;
  schedule?: QuerySchedule;
  cursor: string;
  nextAttemptAtMs: number;
  leaseUntilMs: number;
  attempts: number;
  lastError?: string;
  delivered: number;
  createdAt: Date;
}

const subscriptionSchema = new Schema<EpcisSubscriptionDoc>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    queryName: { type: String, required: true },
    dest: { type: String, required: true },
    signatureToken: String,
    reportIfEmpty: { type: Boolean, required: true },
    stream: { type: Boolean, required: true },
    schedule: Schema.Types.Mixed,
    cursor: { type: String, required: true },
    nextAttemptAtMs: { type: Number, required: true },
    leaseUntilMs: { type: Number, required: true },
    attempts: { type: Number, required: true },
    lastError: String,
    delivered: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  // minimize: false keeps an empty schedule ({}: every second), which is not the absence of one.
  { versionKey: false, minimize: false },
);
subscriptionSchema.index({ nextAttemptAtMs: 1 });
subscriptionSchema.index({ orgId: 1, queryName: 1 });

export function epcisSubscriptionModel(connection: Connection) {
  return modelFor(connection, "EpcisSubscription", subscriptionSchema);
}
