import { api } from "../../api/api-client";
import { navigate } from "../../shell/router";
import type { FindingKind } from "../../../../server/modules/audit/domain/findings";

/** What an audit run covers (POST /api/audit/runs `scope`). */
export interface AuditScope {
  orgId?: string;
  brandId?: string;
  regionCode?: string;
  from?: string;
  to?: string;
}

export interface AuditRun {
  id: string;
  scope: AuditScope;
  state: "queued" | "running" | "done" | "failed";
  progress: { checkedBatches: number; totalBatches: number; checkedEvents: number };
  findingsCount: number;
  countsByKind: Partial<Record<FindingKind, number>>;
  findingsTruncated: boolean;
  error: string | null;
  report: { json: string; csv: string; html: string } | null;
}

export interface Finding {
  kind: FindingKind;
  batchId: string | null;
  brandId?: string;
  eventId?: string;
  seq?: number;
  certificationId?: string;
  detail: string;
}

/** Starts a run and opens its page, where its progress and findings are followed. */
export async function startAuditRun(scope: AuditScope, unanchoredAfterSec?: number): Promise<void> {
  const run = await api<AuditRun>("POST", "/api/audit/runs", { scope, unanchoredAfterSec });
  navigate(`/audits/${run.id}`);
}
