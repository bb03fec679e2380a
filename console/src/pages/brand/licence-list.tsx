import { useContext, useState } from "react";
import { App, Button, Input, List, Progress, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import type { Quantity } from "../../domain/types";
import { formatQuantity } from "../../domain/units";
import { LanguageContext, useT, type MessageKey } from "../../i18n/i18n";
import { StateTag } from "../../shell/state-tag";

export interface Licence {
  id: string;
  producerId: string;
  category: string;
  quota: Quantity;
  used: Quantity;
  remaining: Quantity;
  status: "active" | "suspended" | "revoked";
  statusReason?: string;
}

type LicenceAction = "suspend" | "reinstate" | "revoke";

/**
 * A brand's licences: quota used and remaining as a bar (antd Progress, styled through the CSP
 * nonce like the rest of antd; no chart library is installed, decision 0035), and status changes.
 * Suspending and revoking need a reason here (the API accepts none, but a producer reading the
 * brand's register deserves one).
 */
export function LicenceList({
  licences,
  producerNames,
  onChanged,
}: {
  licences: Licence[];
  producerNames: ReadonlyMap<string, string>;
  onChanged(): void;
}) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { message } = App.useApp();
  const [reasons, setReasons] = useState<Record<string, string>>({});

  const change = async (licence: Licence, action: LicenceAction) => {
    const reason = reasons[licence.id]?.trim();
    if (action !== "reinstate" && !reason) {
      message.error(t("licence.reasonRequired"));
      return;
    }
    try {
      await api("POST", `/api/licences/${licence.id}/${action}`, reason ? { reason } : {});
      message.success(t(`licence.done.${action}` as MessageKey));
      setReasons({ ...reasons, [licence.id]: "" });
      onChanged();
    } catch (failure) {
      message.error(describeError(failure));
    }
  };

  return (
    <>
      <QuotaTotals licences={licences} />
      <List
        dataSource={licences}
        locale={{ emptyText: <span className="empty-text">{t("licence.none")}</span> }}
        renderItem={(licence) => {
          const producer = producerNames.get(licence.producerId) ?? licence.producerId;
          return (
            <List.Item>
              <Space orientation="vertical" style={{ width: "100%" }}>
                <Space wrap>
                  <Typography.Text strong>{producer}</Typography.Text>
                  <span>{licence.category}</span>
                  <StateTag
                    tone={
                      licence.status === "active" ? "ok" : licence.status === "suspended" ? "warn" : "bad"
                    }
                  >
                    {t(`licence.status.${licence.status}` as MessageKey)}
                  </StateTag>
                  {licence.statusReason && <span>{licence.statusReason}</span>}
                </Space>
                <Progress
                  percent={usedPercent(licence)}
                  status={licence.remaining.value <= 0 ? "exception" : "normal"}
                  aria-label={t("licence.quotaUsedOf", { producer })}
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
                      aria-label={t("licence.reasonFor", { producer })}
                      placeholder={t("licence.reason")}
                      value={reasons[licence.id] ?? ""}
                      onChange={(event) => setReasons({ ...reasons, [licence.id]: event.target.value })}
                    />
                    {licence.status === "active" ? (
                      <Button onClick={() => change(licence, "suspend")}>
                        {t("licence.action.suspend")}
                      </Button>
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
          );
        }}
      />
    </>
  );
}

/**
 * The brand's quota at a glance: per unit, what its licences (revoked ones aside) have used of
 * what they were granted, as a ring beside the figures.
 */
function QuotaTotals({ licences }: { licences: Licence[] }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const totals = new Map<string, { quota: number; used: number }>();
  for (const licence of licences.filter((item) => item.status !== "revoked")) {
    const total = totals.get(licence.quota.unit) ?? { quota: 0, used: 0 };
    totals.set(licence.quota.unit, {
      quota: total.quota + licence.quota.value,
      used: total.used + licence.used.value,
    });
  }
  if (totals.size === 0) return null;
  return (
    <Space wrap size="large" className="quota-totals">
      {[...totals].map(([unit, total]) => {
        const text = t("licence.totals", {
          used: formatQuantity({ value: total.used, unit }, language),
          quota: formatQuantity({ value: total.quota, unit }, language),
        });
        return (
          <Space key={unit}>
            <Progress
              type="circle"
              size={72}
              percent={usedPercent({
                quota: { value: total.quota, unit },
                used: { value: total.used, unit },
              })}
              aria-label={text}
            />
            <span>{text}</span>
          </Space>
        );
      })}
    </Space>
  );
}

function usedPercent(licence: Pick<Licence, "quota" | "used">): number {
  if (!licence.quota.value) return 0;
  return Math.min(100, Math.round((licence.used.value / licence.quota.value) * 100));
}
