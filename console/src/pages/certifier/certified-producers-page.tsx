import { useState } from "react";
import { Alert, App, Button, Card, List, Space, Typography } from "antd";
import { describeError } from "../../api/api-client";
import { useApi } from "../../api/use-api";
import { useT } from "../../i18n/i18n";
import { startAuditRun } from "../auditor/audit-run";
import { BatchStatusTag } from "../producer/batch-status-tag";
import { CertificationStateTag } from "./certification-state-tag";

interface CertifiedProducer {
  producer: { id: string; name: string | null };
  certifications: { id: string; certificateNumber: string; scheme: string; state: string }[];
  batchCount: number;
  batches: {
    id: string;
    product: { name: string };
    lot?: string;
    digitalLink: string;
    origin: { place: string; regionCode: string };
    status: string;
  }[];
}

/**
 * The producers under the certifier's certifications, each with those certifications (live status)
 * and the batches they were recorded on; an audit over a producer starts from here.
 */
export function CertifiedProducersPage() {
  const t = useT();
  const { message } = App.useApp();
  const [auditing, setAuditing] = useState<string>();
  const { data, error, loading } = useApi<{ items: CertifiedProducer[] }>(
    "/api/certified-producers?limit=100",
  );

  const audit = async (producerId: string) => {
    setAuditing(producerId);
    try {
      await startAuditRun({ orgId: producerId });
    } catch (failure) {
      message.error(describeError(failure));
      setAuditing(undefined);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Title level={1} className="page-title">
        {t("nav.certifiedProducers")}
      </Typography.Title>
      {error && <Alert type="error" title={error} />}
      {!loading && data?.items.length === 0 && <span className="empty-text">{t("certified.none")}</span>}
      {(data?.items ?? []).map(({ producer, certifications, batchCount, batches }) => {
        const name = producer.name ?? producer.id;
        return (
          <Card
            key={producer.id}
            title={<h2 className="card-title">{name}</h2>}
            extra={
              <Button
                aria-label={t("certified.auditWho", { name })}
                loading={auditing === producer.id}
                onClick={() => audit(producer.id)}
              >
                {t("certified.audit")}
              </Button>
            }
          >
            <Typography.Text type="secondary">
              {t("certified.producerId", { id: producer.id })}
            </Typography.Text>
            <Typography.Title level={3} className="section-title">
              {t("certified.certifications")}
            </Typography.Title>
            <Space wrap>
              {certifications.map((certification) => (
                <Space key={certification.id} size={4}>
                  <span>{certification.certificateNumber}</span>
                  <span>{certification.scheme}</span>
                  <CertificationStateTag state={certification.state} />
                </Space>
              ))}
            </Space>
            <Typography.Title level={3} className="section-title">
              {t("certified.batches", { count: batchCount })}
            </Typography.Title>
            {batchCount > batches.length && (
              <Typography.Text type="secondary">
                {t("certified.batchesShown", { shown: batches.length })}
              </Typography.Text>
            )}
            <List
              dataSource={batches}
              locale={{ emptyText: <span className="empty-text">{t("certified.noBatches")}</span> }}
              renderItem={(batch) => (
                <List.Item
                  actions={[
                    <a key="consumer" href={batch.digitalLink} target="_blank" rel="noreferrer">
                      {t("certified.consumerPage")}
                    </a>,
                  ]}
                >
                  <List.Item.Meta
                    title={`${batch.product.name} · ${batch.lot ?? ""}`}
                    description={
                      <Space wrap size={4}>
                        <span>{batch.origin.place}</span>
                        <span>{batch.origin.regionCode}</span>
                        <BatchStatusTag status={batch.status} />
                      </Space>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        );
      })}
    </Space>
  );
}
