import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A spreadsheet import: one per organization and file (SHA-256 of its bytes), claimed with an
 * atomic upsert, so uploading the same file again resumes it or reports it instead of importing
 * twice. `written` counts the rows known to be stored, in file order; every row's event carries
 * `data.import = { file, row }`, which is how rows in flight when a run died are recognised.
 */
export interface ImportJobDoc {
  _id: Types.ObjectId;
  orgId: Types.ObjectId;
  fileHash: string;
  fileName: string;
  state: "running" | "done" | "failed";
  rows: number;
  written: number;
  counts: { batches: number; events: number };
  failure: { row: number; code: string; message: string } | null;
  heartbeatAtMs: number;
  createdAt: Date;
  finishedAt?: Date;
}

const importJobSchema = new Schema<ImportJobDoc>(
  {
    orgId: { type: Schema.Types.ObjectId, required: true },
    fileHash: { type: String, required: true },
    fileName: { type: String, required: true },
    state: { type: String, required: true },
    rows: { type: Number, required: true },
    written: { type: Number, required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    failure: { type: Schema.Types.Mixed, default: null },
    heartbeatAtMs: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    finishedAt: Date,
  },
  { versionKey: false },
);
importJobSchema.index({ orgId: 1, fileHash: 1 }, { unique: true });

export function importJobModel(connection: Connection) {
  return modelFor(connection, "ImportJob", importJobSchema);
}
