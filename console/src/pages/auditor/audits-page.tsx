import { useState } from "react";
import dayjs, { type Dayjs } from "dayjs";
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Radio,
  Space,
  Typography,
} from "antd";
import { describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT, type MessageKey } from "../../i18n/i18n";
import { StateTag } from "../../shell/state-tag";
import { RegionPicker, type PickedRegion } from "../producer/region-picker";
import { scopeText, startAuditRun, type AuditRun, type AuditScope } from "./audit-run";
import { ConsoleLink } from "./console-link";

const SCOPE_KINDS = ["everything", "organization", "brand", "region", "period"] as const;
type ScopeKind = (typeof SCOPE_KINDS)[number];

interface Values {
  orgId?: string;
  brandId?: string;
  region?: PickedRegion;
  period?: [Dayjs, Dayjs];
  unanchoredHours: number;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** Builds the run's scope from the form: one kind of selection at a time, as a person thinks of it. */
function scopeOf(kind: ScopeKind, values: Values): AuditScope {
  if (kind === "organization") return { orgId: values.orgId!.trim() };
  if (kind === "brand") return { brandId: values.brandId!.trim() };
  if (kind === "region") return { regionCode: values.region!.regionCode };
  if (kind === "period") {
    const [from, until] = values.period!;
    // Whole days: from the first day's start to the start of the day after the last.
    return { from: from.startOf("day").toISOString(), to: until.add(1, "day").startOf("day").toISOString() };
  }
  return {};
}

/**
 * Starts an audit over everything, an organization, a brand, a GB/T 2260 region or a period of
 * batch registrations; the run's own page follows it and shows its findings.
 */
export function AuditsPage() {
  const t = useT();
  const { message } = App.useApp();
  const [kind, setKind] = useState<ScopeKind>("everything");
  const [busy, setBusy] = useState(false);
  const runs = useApi<{ items: (AuditRun & { createdAt: string })[] }>("/api/audit/runs?limit=20");

  const start = async (values: Values) => {
    setBusy(true);
    try {
      await startAuditRun(scopeOf(kind, values), Math.round(values.unanchoredHours * 3600));
    } catch (failure) {
      message.error(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.audits")}
      </Typography.Title>
      <Card title={<h2 className="card-title">{t("audit.start")}</h2>}>
        <Form layout="vertical" onFinish={start} initialValues={{ unanchoredHours: 24 }}>
          <Form.Item label={t("audit.scope")}>
            <Radio.Group
              aria-label={t("audit.scope")}
              value={kind}
              onChange={(event) => setKind(event.target.value as ScopeKind)}
              options={SCOPE_KINDS.map((value) => ({
                value,
                label: t(`audit.scope.${value}` as MessageKey),
              }))}
            />
          </Form.Item>
          {kind === "organization" && (
            <Form.Item name="orgId" label={t("audit.orgId")} rules={[{ required: true, pattern: OBJECT_ID }]}>
              <Input />
            </Form.Item>
          )}
          {kind === "brand" && (
            <Form.Item
              name="brandId"
              label={t("audit.brandId")}
              rules={[{ required: true, pattern: OBJECT_ID }]}
            >
              <Input />
            </Form.Item>
          )}
          {kind === "region" && (
            <Form.Item
              name="region"
              label={t("audit.region")}
              rules={[{ required: true, message: t("audit.regionRule") }]}
            >
              <RegionPicker anyLevel />
            </Form.Item>
          )}
          {kind === "period" && (
            <Form.Item name="period" label={t("audit.period")} rules={[{ required: true }]}>
              <DatePicker.RangePicker />
            </Form.Item>
          )}
          <Form.Item name="unanchoredHours" label={t("audit.unanchoredHours")}>
            <InputNumber min={0} max={8760} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t("audit.run")}
          </Button>
        </Form>
      </Card>
      <Typography.Title level={2} className="section-title">
        {t("audit.recent")}
      </Typography.Title>
      {runs.error && <Alert type="error" title={runs.error} />}
      <List
        loading={runs.loading}
        dataSource={runs.data?.items ?? []}
        locale={{ emptyText: <span className="empty-text">{t("audit.noRuns")}</span> }}
        renderItem={(run) => (
          <List.Item
            actions={[
              <ConsoleLink key="open" to={`/audits/${run.id}`}>
                {t("audit.open")}
              </ConsoleLink>,
            ]}
          >
            <Space wrap size={4}>
              <StateTag tone={run.state === "failed" ? "bad" : run.state === "done" ? "ok" : "neutral"}>
                {t(`audit.state.${run.state}` as MessageKey)}
              </StateTag>
              <span>{dayjs(run.createdAt).format("YYYY-MM-DD HH:mm")}</span>
              <span>{scopeText(run.scope, t)}</span>
              {run.state === "done" && <span>{t("audit.findings", { count: run.findingsCount })}</span>}
            </Space>
          </List.Item>
        )}
      />
    </Space>
  );
}
