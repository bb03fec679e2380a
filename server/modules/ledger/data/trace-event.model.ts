import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/** The kinds of chain other than a batch's (whose events carry no `subject`). */
export type LedgerSubject = "brand" | "observations";

/**
 * An immutable, hash-chained event. `body` is exactly the object that was hashed (RFC 8785 +
 * keccak256); the other fields are copies for querying. Nothing here is ever updated except
 * `anchor`, which the anchoring worker sets when a window claims the event (or frees it again).
 */
export interface TraceEventDoc {
  _id: Types.ObjectId;
  /** The chain's subject: a batch, or the brand of a licence-register event (`subject: "brand"`). */
  batchId: Types.ObjectId;
  /**
   * Absent on batch events; "brand" on a brand's licence-register events (decision 0010),
   * "observations" on an organization's observation log (decision 0031).
   */
  subject?: LedgerSubject;
  seq: number;
  type: string;
  actorId: Types.ObjectId;
  /**
   * Who in the actor organization recorded it (a console member or an API key), for the audit
   * trail; outside the hashed body, so it is neither disclosed in proofs nor part of the hash.
   * Absent on events recorded before accounts existed and outside requests.
   */
  recordedBy?: { kind: "member" | "apiKey"; id: Types.ObjectId };
  eventTime: Date;
  recordTime: Date;
  hash: string;
  prevHash: string;
  body: Record<string, unknown>;
  /**
   * The window that claimed the event. `root` and `leafIndex` are null: the window holds them (its
   * root and leaf list; the anchoring module's `withWindowAnchors` fills them in once the window is
   * confirmed). Events anchored before issue 15 carry them too.
   */
  anchor?: { windowId: Types.ObjectId; root: string | null; leafIndex: number | null } | null;
}

/** What a proof bundle takes of a stored event (`TraceEventRepository.ofBatches`). */
export type ChainedEvent = Pick<TraceEventDoc, "_id" | "batchId" | "seq" | "hash" | "body" | "anchor">;

const traceEventSchema = new Schema<TraceEventDoc>(
  {
    batchId: { type: Schema.Types.ObjectId, required: true },
    subject: { type: String, default: undefined },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    actorId: { type: Schema.Types.ObjectId, required: true },
    recordedBy: { type: Schema.Types.Mixed, default: undefined },
    eventTime: { type: Date, required: true },
    recordTime: { type: Date, required: true },
    hash: { type: String, required: true },
    prevHash: { type: String, required: true },
    body: { type: Schema.Types.Mixed, required: true },
    anchor: { type: Schema.Types.Mixed, default: null },
  },
  { versionKey: false, minimize: false },
);
traceEventSchema.index({ batchId: 1, seq: 1 }, { unique: true });
traceEventSchema.index({ hash: 1 });
traceEventSchema.index({ anchor: 1, _id: 1 });

export function traceEventModel(connection: Connection) {
  return modelFor(connection, "TraceEvent", traceEventSchema);
}
