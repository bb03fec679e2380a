import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * The head of an organization's observation log (decision 0031): the hash chain of the EPCIS
 * events it captured that name no batch of its own. Its `_id` is the organization's id, so that
 * the first capture of two concurrent ones cannot create a second log.
 */
export interface ObservationLogDoc {
  _id: Types.ObjectId;
  head: { seq: number; hash: string; eventId: Types.ObjectId };
  lastEvent: Record<string, unknown>;
  lastEvents?: string;
}

const observationLogSchema = new Schema<ObservationLogDoc>(
  {
    head: { seq: Number, hash: String, eventId: Schema.Types.ObjectId },
    lastEvent: Schema.Types.Mixed,
    lastEvents: String,
  },
  { versionKey: false, minimize: false },
);

export function observationLogModel(connection: Connection) {
  return modelFor(connection, "ObservationLog", observationLogSchema);
}
