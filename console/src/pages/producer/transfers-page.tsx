import { useContext } from "react";
import { Alert, App, Button, List, Space, Typography } from "antd";
import { StateTag } from "../../shell/state-tag";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import type { Transfer } from "../../domain/types";
import { formatQuantity } from "../../domain/units";
import { LanguageContext, useT } from "../../i18n/i18n";
import { useSession } from "../../session/session";
import { navigate } from "../../shell/router";

const STATUS_TONES = { pending: "warn", accepted: "ok", rejected: "bad" } as const;

/** Incoming offers to accept or reject, and the organization's own offers with their outcome. */
export function TransfersPage() {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { message, modal } = App.useApp();
  const { session } = useSession();
  const transfers = useApi<{ items: Transfer[] }>("/api/transfers?limit=200");
  const items = transfers.data?.items ?? [];
  const incoming = items.filter((transfer) => transfer.to === session.organization.id);
  const outgoing = items.filter((transfer) => transfer.from === session.organization.id);

  const decide = async (transfer: Transfer, decision: "accept" | "reject", reason?: string) => {
    try {
      await api("POST", `/api/transfers/${transfer.id}/${decision}`, reason ? { reason } : {});
      message.success(t(decision === "accept" ? "transfer.accepted" : "transfer.rejected"));
      transfers.reload();
    } catch (failure) {
      message.error(describeError(failure));
    }
  };
  const reject = (transfer: Transfer) => {
    let reason = "";
    modal.confirm({
      title: t("transfer.rejectTitle"),
      content: (
        <textarea
          aria-label={t("transfer.reason")}
          className="reason-input"
          onChange={(event) => (reason = event.target.value)}
        />
      ),
      onOk: () => decide(transfer, "reject", reason.trim() || undefined),
    });
  };

  const row = (transfer: Transfer, actions: React.ReactNode[]) => (
    <List.Item actions={actions}>
      <List.Item.Meta
        title={
          <a
            href={`/console/batches/${transfer.batchId}`}
            onClick={(event) => {
              event.preventDefault();
              navigate(`/batches/${transfer.batchId}`);
            }}
          >
            {formatQuantity(transfer.quantity, language)}
          </a>
        }
        description={
          <Space wrap size={4}>
            <StateTag tone={STATUS_TONES[transfer.status]}>
              {t(`transfer.status.${transfer.status}`)}
            </StateTag>
            <span>{new Date(transfer.createdAt).toLocaleString(language === "zh" ? "zh-CN" : "en")}</span>
            {transfer.reason && <span>{transfer.reason}</span>}
          </Space>
        }
      />
    </List.Item>
  );

  return (
    <>
      <Typography.Title level={1} className="page-title">
        {t("nav.transfers")}
      </Typography.Title>
      {transfers.error && <Alert type="error" title={transfers.error} />}
      <Typography.Title level={2} className="section-title">
        {t("transfer.incoming")}
      </Typography.Title>
      <List
        loading={transfers.loading}
        dataSource={incoming}
        locale={{ emptyText: <span className="empty-text">{t("transfer.none")}</span> }}
        renderItem={(transfer) =>
          row(
            transfer,
            transfer.status === "pending"
              ? [
                  <Button key="accept" type="primary" onClick={() => decide(transfer, "accept")}>
                    {t("transfer.accept")}
                  </Button>,
                  <Button key="reject" danger onClick={() => reject(transfer)}>
                    {t("transfer.reject")}
                  </Button>,
                ]
              : [],
          )
        }
      />
      <Typography.Title level={2} className="section-title">
        {t("transfer.outgoing")}
      </Typography.Title>
      <List
        dataSource={outgoing}
        locale={{ emptyText: <span className="empty-text">{t("transfer.none")}</span> }}
        renderItem={(transfer) => row(transfer, [])}
      />
    </>
  );
}
