import type { BatchRow } from "../domain/brand-report-facts";
import type { Anomaly, LicenceRow } from "../domain/brand-report-facts";
import { renderCsv } from "../../../platform/web/csv";

/**
 * The brand report as one CSV table (formula-safe, RFC 4180): a `licence` row per licence, a
 * `batch` row per batch when they were asked for, then an `anomaly` row per anomaly. Columns a
 * record does not use stay empty, so a spreadsheet filter on `record` separates them.
 */
const COLUMNS = [
  "record",
  "licenceId",
  "producerId",
  "producer",
  "category",
  "periodFrom",
  "periodUntil",
  "status",
  "statusChangedAt",
  "unit",
  "quota",
  "used",
  "claimed",
  "remaining",
  "batchId",
  "lot",
  "gtin",
  "quantity",
  "claimsQuota",
  "labels",
  "labelled",
  "kind",
  "severity",
  "message",
] as const;

export interface CsvBrandReport {
  licences: (Omit<LicenceRow, "batches"> & { batches?: BatchRow[] })[];
  anomalies: Anomaly[];
}

export function renderBrandReportCsv(report: CsvBrandReport): string {
  const rows: Record<string, unknown>[] = [];
  for (const licence of report.licences) {
    rows.push({
      record: "licence",
      licenceId: licence.licenceId,
      producerId: licence.producer.id,
      producer: licence.producer.name,
      category: licence.category,
      periodFrom: licence.period.from,
      periodUntil: licence.period.until,
      status: licence.status,
      statusChangedAt: licence.statusChangedAt,
      unit: licence.quota.unit,
      quota: licence.quota.value,
      used: licence.used.value,
      claimed: licence.claimed.value,
      remaining: licence.remaining.value,
    });
    for (const batch of licence.batches ?? []) {
      rows.push({
        record: "batch",
        licenceId: licence.licenceId,
        producerId: licence.producer.id,
        batchId: batch.batchId,
        lot: batch.lot,
        gtin: batch.gtin,
        unit: batch.quantity.unit,
        quantity: batch.quantity.value,
        claimsQuota: batch.claimsQuota,
        labels: batch.labels,
        labelled: batch.labelled.value,
      });
    }
  }
  for (const anomaly of report.anomalies) {
    rows.push({
      record: "anomaly",
      licenceId: anomaly.subject.licenceId,
      producerId: anomaly.subject.producerId,
      batchId: anomaly.subject.batchId,
      lot: anomaly.subject.lot,
      gtin: anomaly.subject.gtin,
      kind: anomaly.kind,
      severity: anomaly.severity,
      message: anomaly.message,
    });
  }
  return renderCsv(COLUMNS, rows);
}
