import { useContext, useState } from "react";
import { Alert, App, Button, Card, Input, List, Progress, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import type { Quantity } from "../../domain/types";
import { formatQuantity } from "../../domain/units";
import { LanguageContext, useT, type MessageKey } from "../../i18n/i18n";
import { useSession } from "../../session/session";
import { StateTag } from "../../shell/state-tag";

interface Licence {
  id: string;
  producerId: string;
  category: string;
  quota: Quantity;
  used: Quantity;
  remaining: Quantity;
  status: "active" | "suspended" | "revoked";
  statusReason?: string;
}

interface Brand {
  id: string;
  name: { zh: string; en?: string };
}

interface Anomaly {
  kind: string;
  severity: "high" | "medium" | "low";
  subject: { batchId?: string; producerId?: string; lot?: string | null };
  message: string;
}

/** The brand owner's brands: licences with quota used and remaining, status changes with a reason, the report's anomalies. */
export function BrandsPage() {
  const t = useT();
  const { session } = useSession();
  const brands = useApi<{ items: Brand[] }>(`/api/brands?owner=${session.organization.id}`);
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.brands")}
      </Typography.Title>
      {brands.error && <Alert type="error" title={brands.error} />}
      {(brands.data?.items ?? []).map((brand) => (
        <BrandCard key={brand.id} brand={brand} />
      ))}
    </Space>
  );
}

function BrandCard({ brand }: { brand: Brand }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { message } = App.useApp();
  const licences = useApi<{ items: Licence[] }>(`/api/brands/${brand.id}/licences`);
  const report = useApi<{ anomalies: Anomaly[] }>(`/api/brands/${brand.id}/report`);
  const [reasons, setReasons] = useState<Record<string, string>>({});

  const change = async (licence: Licence, action: "suspend" | "reinstate" | "revoke") => {
    try {
      const reason = reasons[licence.id]?.trim();
      await api("POST", `/api/licences/${licence.id}/${action}`, reason ? { reason } : {});
      message.success(t(`licence.done.${action}` as MessageKey));
      licences.reload();
    } catch (failure) {
      message.error(describeError(failure));
    }
  };

  return (
    <Card title={<h2 className="card-title">{(language === "en" && brand.name.en) || brand.name.zh}</h2>}>
      <Typography.Title level={3} className="section-title">
        {t("licence.title")}
      </Typography.Title>
      <List
        dataSource={licences.data?.items ?? []}
        locale={{ emptyText: <span className="empty-text">{t("licence.none")}</span> }}
        renderItem={(licence) => (
          <List.Item>
            <Space orientation="vertical" style={{ width: "100%" }}>
              <Space wrap>
                <Typography.Text strong>{licence.producerId}</Typography.Text>
                <span>{licence.category}</span>
                <StateTag
                  tone={licence.status === "active" ? "ok" : licence.status === "suspended" ? "warn" : "bad"}
                >
                  {t(`licence.status.${licence.status}` as MessageKey)}
                </StateTag>
                {licence.statusReason && <span>{licence.statusReason}</span>}
              </Space>
              <Progress
                percent={
                  licence.quota.value ? Math.round((licence.used.value / licence.quota.value) * 100) : 0
                }
                aria-label={t("licence.quotaUsed")}
              />
              <Typography.Text>
                {t("licence.usedOf", {
                  used: formatQuantity(licence.used, language),
                  quota: formatQuantity(licence.quota, language),
                  remaining: formatQuantity(licence.remaining, language),
                })}
              </Typography.Text>
              {licence.status !== "revoked" && (
                <Space wrap>
                  <Input
                    aria-label={t("licence.reason")}
                    placeholder={t("licence.reason")}
                    value={reasons[licence.id] ?? ""}
                    onChange={(event) => setReasons({ ...reasons, [licence.id]: event.target.value })}
                  />
                  {licence.status === "active" ? (
                    <Button onClick={() => change(licence, "suspend")}>{t("licence.action.suspend")}</Button>
                  ) : (
                    <Button onClick={() => change(licence, "reinstate")}>
                      {t("licence.action.reinstate")}
                    </Button>
                  )}
                  <Button danger onClick={() => change(licence, "revoke")}>
                    {t("licence.action.revoke")}
                  </Button>
                </Space>
              )}
            </Space>
          </List.Item>
        )}
      />
      <Typography.Title level={3} className="section-title">
        {t("anomaly.title")}
      </Typography.Title>
      {report.error && <Alert type="error" title={report.error} />}
      <List
        dataSource={report.data?.anomalies ?? []}
        locale={{ emptyText: <span className="empty-text">{t("anomaly.none")}</span> }}
        renderItem={(anomaly) => (
          <List.Item>
            <Space wrap>
              <StateTag tone={anomaly.severity === "high" ? "bad" : "warn"}>{anomaly.kind}</StateTag>
              <span>{anomaly.message}</span>
              {anomaly.subject.batchId && <Typography.Text code>{anomaly.subject.batchId}</Typography.Text>}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
