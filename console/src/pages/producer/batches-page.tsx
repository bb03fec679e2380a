import { Alert, Button, List, Space, Typography } from "antd";
import { StateTag } from "../../shell/state-tag";
import { useContext } from "react";
import { useApi } from "../../api/use-api";
import { formatQuantity } from "../../domain/units";
import type { Batch, Page } from "../../domain/types";
import { LanguageContext, useT } from "../../i18n/i18n";
import { navigate } from "../../shell/router";
import { BatchStatusTag } from "./batch-status-tag";
import { DraftsList } from "./drafts-list";
import { useDrafts, useReloadWhenBack } from "../../offline/drafts";
import { useSession } from "../../session/session";

/** The organization's batches, newest first, each opening its ledger. Phone first: one card per row. */
export function BatchesPage() {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const { data, error, loading, reload } = useApi<Page<Batch>>("/api/batches?limit=100");
  const { session } = useSession();
  const drafts = useDrafts(session.user.id).filter((draft) => draft.what.kind === "harvest");
  useReloadWhenBack(drafts, reload);
  const batches = [...(data?.items ?? [])].reverse();

  return (
    <>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} className="page-title">
          {t("batches.title")}
        </Typography.Title>
        <Button type="primary" onClick={() => navigate("/batches/new")}>
          {t("nav.register")}
        </Button>
      </Space>
      {error && <Alert type="error" title={error} />}
      <DraftsList drafts={drafts} />
      <List
        loading={loading}
        dataSource={batches}
        locale={{ emptyText: <span className="empty-text">{t("batches.empty")}</span> }}
        renderItem={(batch) => (
          <List.Item
            actions={[
              <a
                key="open"
                href={`/console/batches/${batch.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/batches/${batch.id}`);
                }}
              >
                {t("batches.open")}
              </a>,
            ]}
          >
            <List.Item.Meta
              title={`${batch.product.name} · ${batch.lot ?? ""}`}
              description={
                <Space wrap size={4}>
                  <span>{formatQuantity(batch.quantity, language)}</span>
                  <span>{batch.origin.place}</span>
                  <span>{batch.origin.harvestedAt}</span>
                  <BatchStatusTag status={batch.status} />
                  {batch.pendingTransferId && <StateTag tone="warn">{t("batches.transferPending")}</StateTag>}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </>
  );
}
