import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

export interface CapturedEventResult {
  index: number;
  eventID?: string;
  batchId: string;
  eventId: string;
  seq: number;
  hash: string;
  createdBatch: boolean;
  /** The event is in the organization's observation log (`batchId` is then the log's id), and why. */
  observed?: string;
}

/**
 * One accepted (or interrupted) EPCIS capture: one per organization and document hash, claimed
 * with an atomic upsert, so posting the same document again replays the result or resumes an
 * interrupted capture instead of recording its events twice. `written` counts the events known to
 * be recorded (in document order); the writer refreshes `heartbeatAtMs` while it works.
 */
export interface EpcisCaptureDoc {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  documentHash: string;
  state: "writing" | "accepted" | "failed";
  eventCount: number;
  written: number;
  results: CapturedEventResult[];
  failure: { index: number; code: string; message: string } | null;
  heartbeatAtMs: number;
  createdAt: Date;
  finishedAt?: Date;
}

const epcisCaptureSchema = new Schema<EpcisCaptureDoc>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    documentHash: { type: String, required: true },
    state: { type: String, required: true },
    eventCount: { type: Number, required: true },
    written: { type: Number, required: true },
    results: { type: Schema.Types.Mixed, default: [] },
    failure: { type: Schema.Types.Mixed, default: null },
    heartbeatAtMs: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    finishedAt: Date,
  },
  { versionKey: false },
);
epcisCaptureSchema.index({ orgId: 1, documentHash: 1 }, { unique: true });

export function epcisCaptureModel(connection: Connection) {
  return modelFor(connection, "EpcisCapture", epcisCaptureSchema);
}

/**
 * EPCIS eventIDs already captured, one document each (claimed with an atomic upsert before the
 * capture writes anything), so the same EPCIS event is never recorded twice.
 */
export interface EpcisEventIdDoc {
  _id: Types.ObjectId;
  eventID: string;
  captureId: Types.ObjectId;
  index: number;
}

const epcisEventIdSchema = new Schema<EpcisEventIdDoc>(
  {
    eventID: { type: String, required: true },
    captureId: { type: Schema.Types.ObjectId, required: true },
    index: { type: Number, required: true },
  },
  { versionKey: false },
);
epcisEventIdSchema.index({ eventID: 1 }, { unique: true });

export function epcisEventIdModel(connection: Connection) {
  return modelFor(connection, "EpcisEventId", epcisEventIdSchema);
}
