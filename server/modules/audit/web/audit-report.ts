import type { AuditRunDoc } from "../data/audit-run.model";
import { FINDING_KINDS, type Finding } from "../domain/audit";
import { renderCsv } from "../../../platform/web/csv";
import { escapeHtml as e } from "../../../platform/web/html";
import { FINDING_LABELS } from "../domain/finding-labels";

/** Report renderings of an audit run: CSV (RFC 4180) and a self-contained bilingual HTML page. */

/** `brandId` (last, so readers of the earlier columns are unaffected) names a licence-register finding. */
const CSV_COLUMNS = ["kind", "batchId", "eventId", "seq", "certificationId", "detail", "brandId"] as const;

export function renderAuditCsv(findings: readonly Finding[]): string {
  return renderCsv(CSV_COLUMNS, findings as unknown as Record<string, unknown>[]);
}

const STYLE = `body{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#1d2b1f}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #ccd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef3ee}td.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}.ok{color:#1a7f37}.bad{color:#b42318}
.wrap{overflow-x:auto;max-width:100%}td,th{overflow-wrap:anywhere}@media (max-width:600px){body{margin:.8em}}`;

/**
 * The audit's conclusion. The audit compares records with the chain; a brand's report may still
 * show high anomalies (copied labels, selling after a revoked licence): then the page says so
 * instead of "no problem".
 */
function auditVerdict(run: AuditRunDoc, context: AuditPageContext | undefined): string {
  const label = (zh: string, en: string) => `${e(zh)} <span lang="en">${e(en)}</span>`;
  const high = context?.highAnomalies.length ?? 0;
  if (run.findingsCount > 0)
    return `<p class="bad" data-testid="audit-verdict">${label(`发现 ${run.findingsCount} 个问题。`, `${run.findingsCount} discrepancies found.`)}</p>`;
  if (high > 0)
    return `<p class="bad" data-testid="audit-verdict">${label(
      `记录与链上锚定一致，但品牌报告有 ${high} 个高风险异常，见下。`,
      `Every record matches the chain, but the brand report shows ${high} high anomalies, listed below.`,
    )}</p>`;
  return `<p class="ok" data-testid="audit-verdict">${label("未发现问题：全部记录与链上锚定一致。", "No discrepancy: every record matches the chain.")}</p>`;
}

function anomalyList(context: AuditPageContext | undefined): string {
  if (!context || context.highAnomalies.length === 0) return "";
  const items = context.highAnomalies
    .map((anomaly) => {
      const name = context.anomalyLabel(anomaly.kind);
      return `<li data-kind="${e(anomaly.kind)}"><strong>${e(name.zh)}</strong> <span lang="en">${e(name.en)}</span><br><span lang="en">${e(anomaly.message)}</span></li>`;
    })
    .join("");
  return `<ul class="bad" data-testid="high-anomalies">${items}</ul>`;
}

/** What else is known about the audited brand: the brand report's high anomalies, with their labels. */
export interface AuditPageContext {
  highAnomalies: { kind: string; message: string }[];
  anomalyLabel(kind: string): { zh: string; en: string };
}

export function renderAuditHtml(run: AuditRunDoc, context?: AuditPageContext): string {
  const id = run._id.toHexString();
  const label = (zh: string, en: string) => `${e(zh)} <span lang="en">${e(en)}</span>`;
  const scope = Object.entries(run.scope ?? {})
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(", ");
  const counts = FINDING_KINDS.map(
    (kind) =>
      `<tr><td>${label(FINDING_LABELS[kind].zh, FINDING_LABELS[kind].en)}</td><td class="mono">${kind}</td><td>${run.countsByKind?.[kind] ?? 0}</td></tr>`,
  ).join("");
  const rows = run.findings
    .map(
      (finding) =>
        `<tr><td>${label(FINDING_LABELS[finding.kind].zh, FINDING_LABELS[finding.kind].en)}</td><td class="mono">${finding.brandId ? `${label("品牌登记簿", "brand register")} ${e(finding.brandId)}` : e(finding.batchId ?? "")}</td><td class="mono">${e(finding.eventId ?? finding.certificationId ?? "")}</td><td>${e(finding.seq ?? "")}</td><td>${e(finding.detail)}</td></tr>`,
    )
    .join("");
  const verdict = `${auditVerdict(run, context)}${anomalyList(context)}`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>审计报告 Audit report ${e(id)}</title><style>${STYLE}</style></head>
<body><h1>${label("审计报告", "Audit report")}</h1>
<div class="wrap"><table><tr><th>${label("编号", "Run")}</th><td class="mono">${e(id)}</td></tr>
<tr><th>${label("范围", "Scope")}</th><td>${e(scope || "全部 / everything")}</td></tr>
<tr><th>${label("状态", "State")}</th><td>${e(run.state)}</td></tr>
<tr><th>${label("已检查批次", "Batches checked")}</th><td>${run.progress.checkedBatches} / ${run.progress.totalBatches}</td></tr>
<tr><th>${label("已检查事件", "Events checked")}</th><td>${run.progress.checkedEvents}</td></tr>
<tr><th>${label("已检查认证", "Certifications checked")}</th><td>${run.certificationsChecked}</td></tr>
<tr><th>${label("完成时间", "Finished")}</th><td>${e(run.finishedAt ? new Date(run.finishedAt).toISOString() : "")}</td></tr></table></div>
${verdict}
<h2>${label("按类型统计", "By kind")}</h2><div class="wrap"><table>${counts}</table></div>
<h2>${label("问题明细", "Findings")}</h2>
${run.findingsTruncated ? `<p class="bad">${label("仅显示前 " + run.findings.length + " 条。", "Only the first " + run.findings.length + " are listed.")}</p>` : ""}
<div class="wrap"><table><tr><th>${label("类型", "Kind")}</th><th>${label("批次", "Batch")}</th><th>${label("事件 / 认证", "Event / certification")}</th><th>${label("序号", "seq")}</th><th>${label("说明", "Detail")}</th></tr>${rows}</table></div>
</body></html>`;
}
