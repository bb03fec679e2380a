import { roundQuantity } from "../../brands";
import type { SerialScanSummary, UnknownScanGroup } from "../../labels";
import {
  fakeReports,
  labelsBeyondShipped,
  revokedLicenceSelling,
  suspectedCopySerials,
  unknownSerialScans,
} from "./brand-anomalies";
import { batchLabels, claimsQuota, type ReportBatch } from "./brand-families";
import { quotaCounterMismatch, unrecordedLicenceChange } from "./brand-licence-anomalies";
import {
  ANOMALY_KINDS,
  type Anomaly,
  type AnomalyKind,
  type LateScans,
  type LicenceRow,
  type MovementEvent,
  type RegisterEvent,
  type ReportLicence,
  type ReportTransfer,
  type Severity,
} from "./brand-report-facts";

/**
 * The brand owner's report (issue 7): per licence, the quota licensed, taken (the licence's
 * counter) and claimed (the branded batches that took it), and the anomalies found in the stored
 * records. Pure: the use-case reads the database and passes plain values.
 */
export interface BrandReportInput {
  licences: ReportLicence[];
  batches: ReportBatch[];
  /** Per batch id: item labels by what each item holds (`itemValue` null = not stated). */
  labels: { batchId: string; itemValue: number | null; count: number }[];
  transfers: ReportTransfer[];
  movements: MovementEvent[];
  lateScans: LateScans[];
  unknownScans: UnknownScanGroup[];
  /** Issued serials whose scan log passes the verdict's copy thresholds (absent: none). */
  copiedSerials?: SerialScanSummary[];
  /** Shoppers' fake reports per batch (absent: none). */
  fakeReports?: { batchId: string; reports: number; serials: number }[];
  registerEvents: RegisterEvent[];
}

export interface BrandReport {
  licences: LicenceRow[];
  anomalies: Anomaly[];
  countsByKind: Record<AnomalyKind, number>;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export function buildBrandReport(input: BrandReportInput): BrandReport {
  const brandBatchIds = new Set(input.batches.map((batch) => batch.id));
  const labels = batchLabels(input.batches, input.labels);
  const licences = input.licences.map((licence): LicenceRow => {
    const unit = licence.quota.unit;
    const own = input.batches.filter((batch) => batch.licenceId === licence.id);
    const batches = own.map((batch) => ({
      batchId: batch.id,
      lot: batch.lot,
      gtin: batch.gtin,
      quantity: batch.quantity,
      claimsQuota: claimsQuota(batch, brandBatchIds),
      labels: labels.get(batch.id)?.count ?? 0,
      labelled: { value: labels.get(batch.id)?.quantity ?? 0, unit: batch.quantity.unit },
    }));
    const claimed = batches
      .filter((batch) => batch.claimsQuota && batch.quantity.unit === unit)
      .reduce((sum, batch) => sum + batch.quantity.value, 0);
    return {
      licenceId: licence.id,
      producer: { id: licence.producerId, name: licence.producerName },
      category: licence.category,
      period: licence.period,
      status: licence.status,
      statusChangedAt: licence.statusChangedAt.toISOString(),
      quota: licence.quota,
      used: { value: roundQuantity(licence.used), unit },
      claimed: { value: roundQuantity(claimed), unit },
      remaining: { value: roundQuantity(licence.remaining), unit },
      batches,
    };
  });
  const anomalies = [
    ...licences.flatMap(quotaCounterMismatch),
    ...labelsBeyondShipped(input.batches, labels, input.transfers, input.movements),
    ...unknownSerialScans(input.unknownScans),
    ...suspectedCopySerials(input.copiedSerials ?? []),
    ...fakeReports(input.fakeReports ?? []),
    ...revokedLicenceSelling(input.licences, input.batches, input.movements, input.lateScans),
    ...input.licences.flatMap((licence) => unrecordedLicenceChange(licence, input.registerEvents)),
  ].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const countsByKind = Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, 0])) as Record<
    AnomalyKind,
    number
  >;
  for (const anomaly of anomalies) countsByKind[anomaly.kind] += 1;
  return { licences, anomalies, countsByKind };
}
