import { useContext } from "react";
import { Alert, Card, Descriptions, Image, Space, Timeline, Typography } from "antd";
import { StateTag } from "../../shell/state-tag";
import { useApi } from "../../api/use-api";
import type { Batch, Page, TraceEvent } from "../../domain/types";
import { formatQuantity } from "../../domain/units";
import { LanguageContext, useT } from "../../i18n/i18n";
import { eventTypeName } from "./event-type-name";
import { BatchStatusTag } from "./batch-status-tag";
import { RecordEventForm } from "./record-event-form";
import { OfferTransferForm } from "./offer-transfer-form";
import { SerialsCard } from "./serials-card";
import { DraftsList } from "./drafts-list";
import { useDrafts, useReloadWhenBack } from "../../offline/drafts";
import { useSession } from "../../session/session";

/** One batch: its facts, its QR code and consumer page, every event with its anchoring state, and what can be done next. */
export function BatchDetailPage({ params }: { params: Record<string, string> }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const batch = useApi<Batch>(`/api/batches/${params.id}`);
  const events = useApi<Page<TraceEvent>>(`/api/batches/${params.id}/events?limit=500`);
  const { session } = useSession();
  const drafts = useDrafts(session.user.id).filter(
    (draft) => draft.what.kind === "event" && draft.what.batchId === params.id,
  );
  const reload = () => {
    batch.reload();
    events.reload();
  };
  useReloadWhenBack(drafts, reload);
  if (batch.error) return <Alert type="error" title={batch.error} />;
  if (!batch.data) return <Card loading />;
  const b = batch.data;

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {b.product.name} · {b.lot}
      </Typography.Title>
      <Card>
        <Space wrap align="start" size="large">
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t("batch.quantity")}>
              {formatQuantity(b.quantity, language)}
            </Descriptions.Item>
            <Descriptions.Item label={t("batch.available")}>
              {formatQuantity(b.available, language)}
            </Descriptions.Item>
            <Descriptions.Item label={t("batch.origin")}>
              {b.origin.place} ({b.origin.regionCode})
            </Descriptions.Item>
            <Descriptions.Item label={t("batch.harvestedAt")}>{b.origin.harvestedAt}</Descriptions.Item>
            <Descriptions.Item label={t("batch.status")}>
              <BatchStatusTag status={b.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t("batch.consumerPage")}>
              <a href={b.digitalLink} target="_blank" rel="noreferrer">
                {t("batch.openConsumerPage")}
              </a>
            </Descriptions.Item>
          </Descriptions>
          <Image
            src={`/api/batches/${b.publicId}/qr.svg`}
            alt={t("batch.qrAlt")}
            width={140}
            preview={false}
          />
        </Space>
      </Card>
      <Card
        title={<h2 className="card-title">{t("batch.events")}</h2>}
        loading={events.loading && !events.data}
      >
        <Timeline
          items={(events.data?.items ?? []).map((event) => ({
            color: event.anchor ? "green" : "gray",
            content: (
              <div data-testid="event">
                <Typography.Text strong>{eventTypeName(t, event.type)}</Typography.Text>{" "}
                <Typography.Text type="secondary">
                  {new Date(event.eventTime).toLocaleString(language === "zh" ? "zh-CN" : "en")}
                </Typography.Text>{" "}
                {event.anchor ? (
                  <StateTag tone="ok">{t("event.anchored")}</StateTag>
                ) : (
                  <StateTag tone="neutral">{t("event.pending")}</StateTag>
                )}
                <EventLinks batch={b} event={event} />
              </div>
            ),
          }))}
        />
        <DraftsList drafts={drafts} />
      </Card>
      {/* Only the holder records events and offers the batch; an auditor opening it as evidence reads. */}
      {b.status === "active" && !b.pendingTransferId && b.holderId === session.organization.id && (
        <>
          <Card title={<h2 className="card-title">{t("event.record")}</h2>}>
            <RecordEventForm batch={b} onRecorded={reload} />
          </Card>
          <Card title={<h2 className="card-title">{t("transfer.offer")}</h2>}>
            <OfferTransferForm batch={b} onOffered={reload} />
          </Card>
        </>
      )}
      <SerialsCard batch={b} />
    </Space>
  );
}

/**
 * Where one event can be seen from outside: its place on the batch's consumer page, the QR code
 * that opens that page, and once anchored the Merkle proof the registry's verifyLeaf takes.
 */
function EventLinks({ batch, event }: { batch: Batch; event: TraceEvent }) {
  const t = useT();
  return (
    <Space size={12} wrap className="event-links">
      <a href={`${batch.digitalLink}#event-${event.id}`} target="_blank" rel="noreferrer">
        {t("event.consumerPage")}
      </a>
      <a href={`/api/batches/${batch.publicId}/qr.svg`} target="_blank" rel="noreferrer">
        {t("event.qr")}
      </a>
      {event.anchor && (
        <a href={`/api/events/${event.id}/proof`} target="_blank" rel="noreferrer">
          {t("event.proof")}
        </a>
      )}
    </Space>
  );
}
