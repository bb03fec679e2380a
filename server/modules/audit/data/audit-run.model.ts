import { Schema, type Connection, type Types } from "mongoose";
import type { Finding } from "../domain/audit";
import { modelFor } from "../../../platform/mongo/model-for";

export const AUDIT_RUN_STATES = ["queued", "running", "done", "failed"] as const;
export type AuditRunState = (typeof AUDIT_RUN_STATES)[number];

/** At most this many findings are stored with a run; `findingsCount` is always the full count. */
export const AUDIT_MAX_STORED_FINDINGS = 10_000;

export interface AuditScope {
  orgId?: string;
  /** Batches carrying the brand, and the brand's licence register chain. */
  brandId?: string;
  from?: string;
  to?: string;
}

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

export function auditRunModel(connection: Connection) {
  return modelFor(connection, "AuditRun", auditRunSchema);
}
