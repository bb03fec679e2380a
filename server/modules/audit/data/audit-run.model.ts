import { Schema, type Connection, type Types } from "mongoose";
import type { Finding } from "../domain/audit";
import { modelFor } from "../../../platform/mongo/model-for";
import { AUDIT_RUN_STATES, type AuditRunState, type AuditScope } from "../domain/audit-run";

/**
 * One background audit run: its scope, progress and report (the findings). Progress and state
 * are updated by the process running it; a run left `running` by a dead process stays so and is
 * reported as such (`updatedAt` shows when it last moved).
 */
export interface AuditRunDoc {
  _id: Types.ObjectId;
  scope: AuditScope;
  unanchoredAfterSec: number;
  requestedBy: Types.ObjectId;
  state: AuditRunState;
  progress: { checkedBatches: number; totalBatches: number; checkedEvents: number };
  findingsCount: number;
  countsByKind: Record<string, number>;
  findings: Finding[];
  findingsTruncated: boolean;
  certificationsChecked: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

const auditRunSchema = new Schema<AuditRunDoc>(
  {
    scope: { type: Schema.Types.Mixed, required: true },
    unanchoredAfterSec: { type: Number, required: true },
    requestedBy: { type: Schema.Types.ObjectId, required: true },
    state: { type: String, enum: AUDIT_RUN_STATES, required: true },
    progress: { type: Schema.Types.Mixed, required: true },
    findingsCount: { type: Number, default: 0 },
    countsByKind: { type: Schema.Types.Mixed, default: {} },
    findings: { type: Schema.Types.Mixed, default: [] },
    findingsTruncated: { type: Boolean, default: false },
    certificationsChecked: { type: Number, default: 0 },
    error: { type: String, default: null },
    createdAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// An organization's runs, newest first (GET /api/audit/runs).
auditRunSchema.index({ requestedBy: 1, _id: -1 });

export function auditRunModel(connection: Connection) {
  return modelFor(connection, "AuditRun", auditRunSchema);
}
