import { useContext } from "react";
import { List, Space, Typography } from "antd";
import {
  ANOMALY_LABELS,
  SEVERITY_LABELS,
} from "../../../../server/modules/brand-reports/domain/anomaly-labels";
import { LanguageContext, useT } from "../../i18n/i18n";
import { StateTag } from "../../shell/state-tag";

/** What the console reads of GET /api/brands/:id/report?batches=true. */
export interface BrandReport {
  licences: { licenceId: string; producer: { id: string; name: string | null }; batches: ReportBatch[] }[];
  anomalies: Anomaly[];
}

interface ReportBatch {
  batchId: string;
  lot: string;
  gtin: string | null;
}

interface Anomaly {
  kind: keyof typeof ANOMALY_LABELS;
  severity: keyof typeof SEVERITY_LABELS;
  subject: { producerId?: string; batchId?: string };
  message: string;
  facts: { memberIds?: string[] };
}

/**
 * The brand report's anomalies, most severe first, each with its kind in the reader's language, the
 * producer, and the batches behind it as links to their consumer pages (where a brand officer sees
 * what a shopper sees: the verdict, scans, recalls).
 */
export function AnomalyList({ report }: { report: BrandReport | undefined }) {
  const t = useT();
  const { language } = useContext(LanguageContext);
  const batches = new Map(report?.licences.flatMap((licence) => licence.batches.map((b) => [b.batchId, b])));
  const producers = new Map(
    report?.licences.map((licence) => [licence.producer.id, licence.producer.name ?? licence.producer.id]),
  );
  return (
    <List
      dataSource={report?.anomalies ?? []}
      locale={{ emptyText: <span className="empty-text">{t("anomaly.none")}</span> }}
      renderItem={(anomaly) => (
        <List.Item>
          <Space orientation="vertical" size={4}>
            <Space wrap>
              <StateTag tone={anomaly.severity === "high" ? "bad" : "warn"}>
                {t("anomaly.severity", { severity: SEVERITY_LABELS[anomaly.severity][language] })}
              </StateTag>
              <Typography.Text strong>
                {ANOMALY_LABELS[anomaly.kind]?.[language] ?? anomaly.kind}
              </Typography.Text>
              {anomaly.subject.producerId && <span>{producers.get(anomaly.subject.producerId)}</span>}
            </Space>
            <span>{anomaly.message}</span>
            <BatchLinks ids={batchIdsOf(anomaly)} batches={batches} />
          </Space>
        </List.Item>
      )}
    />
  );
}

function BatchLinks({ ids, batches }: { ids: string[]; batches: ReadonlyMap<string, ReportBatch> }) {
  const t = useT();
  if (ids.length === 0) return null;
  return (
    <Space wrap size={[12, 4]}>
      <span>{t("anomaly.batches")}</span>
      {ids.map((id) => {
        const batch = batches.get(id);
        if (!batch?.gtin) return <Typography.Text key={id}>{batch?.lot ?? id}</Typography.Text>;
        return (
          <a
            key={id}
            href={`/01/${batch.gtin}/10/${encodeURIComponent(batch.lot)}`}
            target="_blank"
            rel="noreferrer"
          >
            {t("anomaly.batchLink", { lot: batch.lot })}
          </a>
        );
      })}
    </Space>
  );
}

/** The batch an anomaly names and, for a family of split batches, every member. */
function batchIdsOf(anomaly: Anomaly): string[] {
  const named = anomaly.subject.batchId ? [anomaly.subject.batchId] : [];
  return [...new Set([...named, ...(anomaly.facts.memberIds ?? [])])];
}
