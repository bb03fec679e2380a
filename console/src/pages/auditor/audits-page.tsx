import { useState } from "react";
import { Alert, App, Button, Card, Form, Input, Progress, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useT } from "../../i18n/i18n";

interface AuditRun {
  id: string;
  state: string;
  progress: { checkedBatches: number; totalBatches: number };
  findingsCount: number;
  countsByKind: Record<string, number>;
  report: { json: string; csv: string; html: string } | null;
}

/** Starts an audit over an organization's batches (or everything), follows it, shows findings by kind and the downloads. */
export function AuditsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [run, setRun] = useState<AuditRun>();
  const [busy, setBusy] = useState(false);

  const start = async (values: { orgId?: string }) => {
    setBusy(true);
    try {
      const scope = values.orgId?.trim() ? { orgId: values.orgId.trim() } : {};
      let current = await api<AuditRun>("POST", "/api/audit/runs", { scope });
      setRun(current);
      while (current.state !== "done" && current.state !== "failed") {
        await new Promise((resolve) => setTimeout(resolve, 500));
        current = await api<AuditRun>("GET", `/api/audit/runs/${current.id}`);
        setRun(current);
      }
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const percent = run?.progress.totalBatches
    ? Math.round((run.progress.checkedBatches / run.progress.totalBatches) * 100)
    : 0;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.audits")}
      </Typography.Title>
      <Card title={<h2 className="card-title">{t("audit.start")}</h2>}>
        <Form layout="vertical" onFinish={start}>
          <Form.Item
            name="orgId"
            label={t("audit.orgId")}
            extra={t("audit.orgIdHelp")}
            rules={[{ pattern: /^[0-9a-f]{24}$/ }]}
          >
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t("audit.run")}
          </Button>
        </Form>
      </Card>
      {run && (
        <Card title={<h2 className="card-title">{t("audit.result")}</h2>}>
          <Progress percent={run.state === "done" ? 100 : percent} aria-label={t("audit.progress")} />
          {run.state === "failed" && <Alert type="error" title={t("audit.failed")} />}
          {run.state === "done" && (
            <Space orientation="vertical">
              <Typography.Text strong>{t("audit.findings", { count: run.findingsCount })}</Typography.Text>
              <ul aria-label={t("audit.byKind")}>
                {Object.entries(run.countsByKind ?? {}).map(([kind, count]) => (
                  <li key={kind}>
                    {kind}: {count}
                  </li>
                ))}
              </ul>
              {run.report && (
                <Space wrap>
                  <a href={run.report.csv}>{t("audit.csv")}</a>
                  <a href={run.report.html} target="_blank" rel="noreferrer">
                    {t("audit.html")}
                  </a>
                </Space>
              )}
            </Space>
          )}
        </Card>
      )}
    </Space>
  );
}
