import type { BatchRow } from "../domain/brand-report-facts";
import type { Anomaly, LicenceRow } from "../domain/brand-report-facts";
import { renderCsv } from "../../../platform/web/csv";
import type { CopiedSerialFacts } from "../domain/brand-anomalies";

/**
 * The brand report as one CSV table (formula-safe, RFC 4180) for a brand officer's spreadsheet: a
 * UTF-8 byte order mark (without it Excel reads the Chinese as another encoding) and Chinese
 * column headers; a `licence` row per licence, a `batch` row per batch when they were asked for,
 * then an `anomaly` row per anomaly (a suspected copy followed by a `copied-serial` row per listed
 * serial with its first scan's time and region, 地点未知 when its shopper shared none). Columns a record does not use stay empty, so a spreadsheet
 * filter on the first column separates them. Machines read the JSON report.
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
  "serial",
  "firstScanAt",
  "firstScanRegion",
] as const;

const HEADERS: Record<(typeof COLUMNS)[number], string> = {
  record: "记录类型",
  licenceId: "授权编号",
  producerId: "生产者编号",
  producer: "生产者",
  category: "品类",
  periodFrom: "授权起始",
  periodUntil: "授权截止",
  status: "状态",
  statusChangedAt: "状态变更时间",
  unit: "单位",
  quota: "配额",
  used: "已用",
  claimed: "批次申领",
  remaining: "剩余",
  batchId: "批次编号",
  lot: "批号",
  gtin: "商品条码",
  quantity: "数量",
  claimsQuota: "占用配额",
  labels: "单品码数",
  labelled: "单品码对应数量",
  kind: "异常类型",
  severity: "严重程度",
  message: "说明",
  serial: "序列号",
  firstScanAt: "首次扫描时间",
  firstScanRegion: "首次扫描地点",
};

const BOM = "\uFEFF";

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
    if (anomaly.kind === "suspected_copy_serials") rows.push(...copiedSerialRows(anomaly));
  }
  const [, ...lines] = renderCsv(COLUMNS, rows).split("\r\n");
  return `${BOM}${COLUMNS.map((column) => HEADERS[column]).join(",")}\r\n${lines.join("\r\n")}`;
}

function copiedSerialRows(anomaly: Anomaly): Record<string, unknown>[] {
  return (anomaly.facts.listed as CopiedSerialFacts[]).map((item) => ({
    record: "copied-serial",
    batchId: anomaly.subject.batchId,
    serial: item.serial,
    firstScanAt: item.firstScan.at,
    firstScanRegion: item.firstScan.region?.name ?? "地点未知",
  }));
}
