import dayjs from "dayjs";
import { api } from "../../api/api-client";
import type { MessageKey, useT } from "../../i18n/i18n";
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

const SCOPE_LABELS: Record<keyof AuditScope, MessageKey> = {
  orgId: "audit.scope.organization",
  brandId: "audit.scope.brand",
  regionCode: "audit.scope.region",
  from: "audit.scope.from",
  to: "audit.scope.to",
};

/** "地区 33, 机构 …" (dates as days), or "全部" for an unscoped run. */
export function scopeText(scope: AuditScope, t: ReturnType<typeof useT>): string {
  const parts = Object.entries(scope).map(([key, value]) => {
    const shown = key === "from" || key === "to" ? dayjs(value).format("YYYY-MM-DD HH:mm") : value;
    return `${t(SCOPE_LABELS[key as keyof AuditScope])} ${shown}`;
  });
  return parts.join(", ") || t("audit.scope.everything");
}
