import type { SerialScanSummary, UnknownScanGroup } from "../../labels";
import { roundQuantity } from "../../brands";
import { describeRegion, type RegionDescription } from "../../../platform/web/region-names";
import { families, shippedQuantity, type LabelTotals, type ReportBatch } from "./brand-families";
import type { Anomaly, LateScans, MovementEvent, ReportLicence, ReportTransfer } from "./brand-report-facts";

/** The brand report's anomalies about labels, scans and sales (see brand-report.ts). Pure. */

/**
 * `labels_beyond_shipped`: for each family (a branded batch not split from another, with every
 * batch split from it), the quantity its item labels stand for (Σ count × itemQuantity over the
 * serials of all members) exceeds the quantity that has left the producer (`shippedQuantity`:
 * pending or accepted transfers sent by the producer, and what the producer sold itself).
 */
export function labelsBeyondShipped(
  batches: readonly ReportBatch[],
  labels: ReadonlyMap<string, LabelTotals>,
  transfers: readonly ReportTransfer[],
  movements: readonly MovementEvent[],
): Anomaly[] {
  return families(batches).flatMap((family) => {
    const labelled = roundQuantity(
      family.members.reduce((sum, member) => sum + (labels.get(member.id)?.quantity ?? 0), 0),
    );
    if (labelled === 0) return [];
    const shipped = shippedQuantity(family, { transfers, movements });
    if (labelled <= shipped + 1e-9) return [];
    const unit = family.root.quantity.unit;
    return [
      {
        kind: "labels_beyond_shipped" as const,
        severity: "medium" as const,
        subject: {
          batchId: family.root.id,
          producerId: family.root.producerId,
          ...(family.root.licenceId ? { licenceId: family.root.licenceId } : {}),
        },
        message: `batch ${family.root.lot}${splitNote(family.members.length - 1)} carry labels for ${labelled} ${unit} but only ${shipped} ${unit} has left the producer`,
        facts: {
          labelled: { value: labelled, unit },
          shipped: { value: shipped, unit },
          excess: { value: roundQuantity(labelled - shipped), unit },
          memberIds: family.members.map((member) => member.id),
        },
      },
    ];
  });
}

/** Distinct devices from which never-issued serials must be scanned before it is a high anomaly. */
export const UNKNOWN_SCAN_DEVICES_HIGH = 3;

/**
 * `unknown_serial_scans`: consumers scanned serials nobody issued, one anomaly per GTIN and lot.
 * High when several devices did (copies in shops); one device, whatever it sends, is low: a script
 * or a curious person cannot make a high anomaly alone (issue 14, finding 7).
 */
export function unknownSerialScans(groups: readonly UnknownScanGroup[]): Anomaly[] {
  return groups.map((group) => ({
    kind: "unknown_serial_scans" as const,
    severity: group.clients >= UNKNOWN_SCAN_DEVICES_HIGH ? ("high" as const) : ("low" as const),
    subject: { gtin: group.gtin, lot: group.lot, ...(group.batchId ? { batchId: group.batchId } : {}) },
    message: `${group.scans} device-day scans (${group.clients} devices, ${group.requests} requests) of ${group.serials} never-issued serials under GTIN ${group.gtin} ${group.lot === null ? "without a lot" : `lot ${group.lot}`}${group.batchId ? "" : " (no such batch)"}, ${group.firstAt.toISOString()} – ${group.lastAt.toISOString()}`,
    facts: {
      scans: group.scans,
      requests: group.requests,
      serials: group.serials,
      clients: group.clients,
      firstAt: group.firstAt.toISOString(),
      lastAt: group.lastAt.toISOString(),
    },
  }));
}

/** How many serials one anomaly lists (the count covers them all). */
const LISTED_SERIALS = 20;

/** One listed serial of a `suspected_copy_serials` anomaly (`facts.listed`). */
export interface CopiedSerialFacts {
  serial: string;
  scans: number;
  devices: number;
  firstAt: string;
  /** The first scan: when, and the region its shopper shared (null: not shared). */
  firstScan: { at: string; region: RegionDescription | null };
}

/**
 * `suspected_copy_serials`: issued serials whose consumer pages answer "suspected-copy" (scanned on
 * too many device-days or from too many devices), one anomaly per batch, listing up to
 * LISTED_SERIALS serials with their first scan's time and region.
 */
export function suspectedCopySerials(summaries: readonly SerialScanSummary[]): Anomaly[] {
  const byBatch = new Map<string, SerialScanSummary[]>();
  for (const summary of summaries)
    byBatch.set(summary.batchId, [...(byBatch.get(summary.batchId) ?? []), summary]);
  return [...byBatch].map(([batchId, serials]) => ({
    kind: "suspected_copy_serials" as const,
    severity: "high" as const,
    subject: { batchId },
    message: `${serials.length} item serial(s) of batch ${batchId} look copied (scanned from up to ${Math.max(...serials.map((item) => item.devices))} devices)`,
    facts: {
      serials: serials.length,
      listed: serials.slice(0, LISTED_SERIALS).map((item): CopiedSerialFacts => ({
        serial: item.serial,
        scans: item.scans,
        devices: item.devices,
        firstAt: item.firstAt.toISOString(),
        firstScan: {
          at: item.firstAt.toISOString(),
          region: item.firstRegion ? describeRegion(item.firstRegion) : null,
        },
      })),
    },
  }));
}

/** `fake_reports`: shoppers reported items of a batch as fake from their consumer pages (medium). */
export function fakeReports(
  rows: readonly { batchId: string; reports: number; serials: number }[],
): Anomaly[] {
  return rows.map((row) => ({
    kind: "fake_reports" as const,
    severity: "medium" as const,
    subject: { batchId: row.batchId },
    message: `${row.reports} shopper report(s) of fake items naming ${row.serials} serial(s) of batch ${row.batchId}`,
    facts: { reports: row.reports, serials: row.serials },
  }));
}

/**
 * `revoked_licence_selling`: a batch under a revoked or suspended licence (its `licenceId`,
 * inherited ones included) moved after the licence's `statusChangedAt`: a shipping, receiving or
 * selling event whose `eventTime` is later, or a consumer scan of one of its issued serials.
 */
export function revokedLicenceSelling(
  licences: readonly ReportLicence[],
  batches: readonly ReportBatch[],
  movements: readonly MovementEvent[],
  lateScans: readonly LateScans[],
): Anomaly[] {
  return licences
    .filter((licence) => licence.status !== "active")
    .flatMap((licence) =>
      batches
        .filter((batch) => batch.licenceId === licence.id)
        .flatMap((batch): Anomaly[] => {
          const since = licence.statusChangedAt.getTime();
          const events = movements.filter(
            (event) => event.batchId === batch.id && event.eventTime.getTime() > since,
          );
          const scans = lateScans.find((item) => item.batchId === batch.id && item.lastAt.getTime() > since);
          if (events.length === 0 && !scans) return [];
          const types = [...new Set(events.map((event) => event.type))];
          const what = [
            ...(events.length > 0 ? [`${events.length} ${types.join("/")} events`] : []),
            ...(scans ? [`${scans.scans} consumer scans`] : []),
          ];
          return [
            {
              kind: "revoked_licence_selling",
              severity: licence.status === "revoked" ? "high" : "medium",
              subject: {
                licenceId: licence.id,
                producerId: licence.producerId,
                batchId: batch.id,
                eventIds: events.map((event) => event.id),
              },
              message: `batch ${batch.lot} has ${what.join(" and ")} after its licence was ${licence.status} on ${licence.statusChangedAt.toISOString()}`,
              facts: {
                status: licence.status,
                statusChangedAt: licence.statusChangedAt.toISOString(),
                events: events.length,
                scans: scans?.scans ?? 0,
                lastAt: new Date(
                  Math.max(scans?.lastAt.getTime() ?? 0, ...events.map((event) => event.eventTime.getTime())),
                ).toISOString(),
              },
            },
          ];
        }),
    );
}

function splitNote(splits: number): string {
  if (splits === 0) return "";
  return splits === 1 ? " and the batch split from it" : ` and the ${splits} batches split from it`;
}
