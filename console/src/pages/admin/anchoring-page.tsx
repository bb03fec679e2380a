import { useState } from "react";
import { Alert, App, Button, List, Space, Typography } from "antd";
import { api, describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT, type MessageKey } from "../../i18n/i18n";
import { WINDOW_STATES } from "../../../../server/modules/anchoring/domain/window-state";
import { StateTag, type Tone } from "../../shell/state-tag";

type WindowState = (typeof WINDOW_STATES)[number];

/** Confirmed on chain is done (completed: its proofs are stored too); abandoned windows' events go to a new one. */
const STATE_TONES: Record<WindowState, Tone> = {
  claiming: "warn",
  recorded: "warn",
  submitted: "warn",
  confirmed: "ok",
  completed: "ok",
  abandoned: "bad",
};

interface AnchorWindow {
  id: string;
  state: WindowState;
  leafCount: number;
  root: string | null;
  txHash: string | null;
  blockNumber: number | null;
}

/** The service operator's view of anchoring: the backlog, windows newest first, the worker's health, and "anchor now". */
export function AnchoringPage() {
  const t = useT();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const anchors = useApi<{
    items: AnchorWindow[];
    worker: { consecutiveFailures: number; lastError: string | null } | null;
    backlog: { pending: number; lagSeconds: number };
  }>("/api/anchors?limit=50");

  const anchorNow = async () => {
    setBusy(true);
    try {
      await api("POST", "/api/anchors/run?wait=true", {});
      message.success(t("anchoring.done"));
      anchors.reload();
    } catch (failure) {
      message.error(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const worker = anchors.data?.worker;
  const backlog = anchors.data?.backlog;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.anchoring")}
      </Typography.Title>
      {worker && worker.consecutiveFailures > 0 && (
        <Alert type="warning" title={t("anchoring.failing", { error: worker.lastError ?? "" })} />
      )}
      {backlog && (
        <Typography.Text strong>
          {backlog.pending === 0
            ? t("anchoring.backlogEmpty")
            : t("anchoring.backlog", {
                pending: backlog.pending,
                age:
                  backlog.lagSeconds < 120
                    ? t("anchoring.seconds", { count: Math.round(backlog.lagSeconds) })
                    : t("anchoring.minutes", { count: Math.round(backlog.lagSeconds / 60) }),
              })}
        </Typography.Text>
      )}
      <Button type="primary" onClick={anchorNow} loading={busy}>
        {t("anchoring.now")}
      </Button>
      <List
        loading={anchors.loading}
        dataSource={anchors.data?.items ?? []}
        locale={{ emptyText: <span className="empty-text">{t("anchoring.none")}</span> }}
        renderItem={(window) => (
          <List.Item>
            <Space wrap>
              <StateTag tone={STATE_TONES[window.state]}>
                {t(`anchoring.state.${window.state}` as MessageKey)}
              </StateTag>
              <span>{t("anchoring.events", { count: window.leafCount })}</span>
              {window.blockNumber !== null && (
                <span>{t("anchoring.block", { block: window.blockNumber })}</span>
              )}
              {window.txHash && <Typography.Text code>{window.txHash.slice(0, 18)}…</Typography.Text>}
            </Space>
          </List.Item>
        )}
      />
    </Space>
  );
}
