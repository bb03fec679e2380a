import { useContext, useEffect, useState } from "react";
import { Alert, Card, List, Progress, Space, Typography } from "antd";
import { FINDING_KINDS, type FindingKind } from "../../../../server/modules/audit/domain/findings";
import { FINDING_LABELS } from "../../../../server/modules/audit/domain/finding-labels";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { LanguageContext, useT, type MessageKey } from "../../i18n/i18n";
import { useSession } from "../../session/session";
import { StateTag } from "../../shell/state-tag";
import { scopeText, type AuditRun, type Finding } from "./audit-run";
import { ConsoleLink } from "./console-link";

const POLL_MS = 500;

/** Follows a run until it is done or failed (GET /api/audit/runs/:id every half second). */
function useAuditRun(id: string): { run: AuditRun | undefined; error: string | undefined } {
  const [run, setRun] = useState<AuditRun>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current = true;
    const poll = async () => {
      try {
        const polled = await api<AuditRun>("GET", `/api/audit/runs/${id}`);
        if (!current) return;
        setRun(polled);
        if (polled.state === "queued" || polled.state === "running") timer = setTimeout(poll, POLL_MS);
      } catch (failure) {
        if (current) setError(describeError(failure));
      }
    };
    void poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id]);
  return { run, error };
}

/** The records a finding is about, each opening where it can be read: the batch, its event, the certification, the brand. */
function Evidence({ finding }: { finding: Finding }) {
  const t = useT();
  const { session } = useSession();
  const mayOpenBatches = session.organization.roles.some((role) => role === "auditor" || role === "admin");
  const links = [];
  if (finding.batchId && mayOpenBatches) {
    links.push(
      <ConsoleLink key="batch" to={`/batches/${finding.batchId}`}>
        {t("audit.batch", { id: finding.batchId })}
      </ConsoleLink>,
    );
    if (finding.seq !== undefined) {
      links.push(
        <ConsoleLink key="event" to={`/batches/${finding.batchId}`}>
          {t("audit.event", { seq: finding.seq })}
        </ConsoleLink>,
      );
    }
  } else if (finding.batchId) {
    // A certifier reads the batches it certifies through their audit record, not the batch screens.
    links.push(
      <a key="batch" href={`/api/audit/batches/${finding.batchId}`} target="_blank" rel="noreferrer">
        {t("audit.batchRecord", { id: finding.batchId })}
      </a>,
    );
  }
  if (finding.certificationId) {
    links.push(
      <a
        key="certification"
        href={`/api/certifications/${finding.certificationId}`}
        target="_blank"
        rel="noreferrer"
      >
        {t("audit.certification", { id: finding.certificationId })}
      </a>,
    );
  }
  if (finding.brandId) {
    links.push(
      <a key="brand" href={`/brands/${finding.brandId}`} target="_blank" rel="noreferrer">
        {t("audit.brandRegister", { id: finding.brandId })}
      </a>,
    );
  }
  return <Space wrap>{links}</Space>;
}

/**
 * One audit run: its progress while it runs, then its findings grouped by kind (in the report's
 * order), each with links to the evidence, and the CSV and bilingual HTML report.
 */
export function AuditRunPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { run, error } = useAuditRun(params.id);
  const report = useApi<{ findings: Finding[] }>(run?.report ? run.report.json : null);

  const byKind = new Map<FindingKind, Finding[]>();
  for (const finding of report.data?.findings ?? []) {
    byKind.set(finding.kind, [...(byKind.get(finding.kind) ?? []), finding]);
  }
  const kinds = FINDING_KINDS.filter((kind) => (run?.countsByKind[kind] ?? 0) > 0);
  const scope = scopeText(run?.scope ?? {}, t);
  const percent = run?.progress.totalBatches
    ? Math.round((run.progress.checkedBatches / run.progress.totalBatches) * 100)
    : 0;

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.auditRun")}
      </Typography.Title>
      {error && <Alert type="error" title={error} />}
      {run && (
        <Card title={<h2 className="card-title">{t("audit.result")}</h2>}>
          <Space orientation="vertical" style={{ width: "100%" }}>
            <Space wrap>
              <StateTag tone={run.state === "failed" ? "bad" : run.state === "done" ? "ok" : "neutral"}>
                {t(`audit.state.${run.state}` as MessageKey)}
              </StateTag>
              <span>{t("audit.scopeText", { scope })}</span>
            </Space>
            <Progress percent={run.state === "done" ? 100 : percent} aria-label={t("audit.progress")} />
            <span>
              {t("audit.checked", {
                checked: run.progress.checkedBatches,
                total: run.progress.totalBatches,
                events: run.progress.checkedEvents,
              })}
            </span>
            {run.state === "failed" && (
              <Alert type="error" title={`${t("audit.failed")}: ${run.error ?? ""}`} />
            )}
            {run.state === "done" && (
              <Typography.Text strong>{t("audit.findings", { count: run.findingsCount })}</Typography.Text>
            )}
            {run.report && (
              <Space wrap>
                <a href={run.report.csv}>{t("audit.csv")}</a>
                <a href={run.report.html} target="_blank" rel="noreferrer">
                  {t("audit.html")}
                </a>
              </Space>
            )}
          </Space>
        </Card>
      )}
      {run?.state === "done" && run.findingsCount === 0 && <Alert type="success" title={t("audit.clean")} />}
      {run?.findingsTruncated && (
        <Alert type="warning" title={t("audit.truncated", { count: report.data?.findings.length ?? 0 })} />
      )}
      {report.error && <Alert type="error" title={report.error} />}
      {kinds.map((kind) => (
        <section key={kind} aria-label={FINDING_LABELS[kind][language]}>
          <Typography.Title level={2} className="section-title">
            {FINDING_LABELS[kind][language]} ({run?.countsByKind[kind]})
          </Typography.Title>
          <List
            loading={report.loading}
            dataSource={byKind.get(kind) ?? []}
            renderItem={(finding) => (
              <List.Item>
                <Space orientation="vertical" style={{ width: "100%" }}>
                  <Evidence finding={finding} />
                  <Typography.Text type="secondary" className="finding-detail">
                    {finding.detail}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        </section>
      ))}
    </Space>
  );
}
