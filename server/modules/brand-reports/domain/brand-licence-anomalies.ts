import { roundQuantity, type LicenceStatus } from "../../brands";
import type { Anomaly, LicenceRow, RegisterEvent, ReportLicence } from "./brand-report-facts";

/** The brand report's anomalies about licences: their quota counter and their register. Pure. */

/**
 * `quota_counter_mismatch`: the licence's counter (`used`) differs from the sum of the registered
 * quantities of the branded batches that claimed it (batches in the licence's unit registered
 * with the brand, or transformation outputs that claimed their own quota; split children and
 * outputs made only of the brand's batches inherit and are not counted), or `used + remaining`
 * is not the quota. More taken than claimed is the crash window of decision 0010 (quota taken,
 * batch never stored); less taken than claimed means branded quantity that no quota covers.
 */
export function quotaCounterMismatch(row: LicenceRow): Anomaly[] {
  const { used, claimed, remaining, quota } = row;
  const unit = quota.unit;
  const counterOff = Math.abs(used.value - claimed.value) > 1e-9;
  const sumOff = Math.abs(used.value + remaining.value - quota.value) > 1e-9;
  if (!counterOff && !sumOff) return [];
  const problems = [
    ...(counterOff
      ? [
          `its counter says ${used.value} ${unit} taken but branded batches claiming it hold ${claimed.value} ${unit}`,
        ]
      : []),
    ...(sumOff
      ? [`used ${used.value} + remaining ${remaining.value} is not the quota ${quota.value} ${unit}`]
      : []),
  ];
  return [
    {
      kind: "quota_counter_mismatch",
      severity: used.value < claimed.value - 1e-9 || sumOff ? "high" : "medium",
      subject: { licenceId: row.licenceId, producerId: row.producer.id },
      message: `licence ${row.licenceId} (${row.producer.name ?? row.producer.id}): ${problems.join("; ")}`,
      facts: {
        used,
        claimed,
        remaining,
        quota,
        difference: { value: roundQuantity(used.value - claimed.value), unit },
      },
    },
  ];
}

/** The register event types that can have set each licence status. */
const RECORDING_TYPES: Record<LicenceStatus, readonly string[]> = {
  active: ["licence_issued", "licence_reinstated"],
  suspended: ["licence_suspended"],
  revoked: ["licence_revoked"],
};

/**
 * `unrecorded_licence_change`: the licence's current status is not backed by the brand's
 * register: `statusEventId` is missing, names no event of the register, an event about another
 * licence, or an event that cannot have set the current status (an older change: the process
 * died between the status write and its register event, decision 0010).
 */
export function unrecordedLicenceChange(licence: ReportLicence, register: RegisterEvent[]): Anomaly[] {
  const event = licence.statusEventId
    ? register.find((item) => item.id === licence.statusEventId)
    : undefined;
  let problem: string | null = null;
  if (!licence.statusEventId) problem = "has no register event id";
  else if (!event) problem = `names event ${licence.statusEventId}, which is not on the brand's register`;
  else if (event.licenceId !== licence.id)
    problem = `names event ${event.id}, which is about another licence`;
  else if (!RECORDING_TYPES[licence.status].includes(event.type)) {
    problem = `names event ${event.id} (${event.type}), which cannot have made it ${licence.status}`;
  }
  if (!problem) return [];
  return [
    {
      kind: "unrecorded_licence_change",
      severity: "medium",
      subject: { licenceId: licence.id, producerId: licence.producerId },
      message: `licence ${licence.id} is ${licence.status} since ${licence.statusChangedAt.toISOString()} but ${problem}`,
      facts: { status: licence.status, statusEventId: licence.statusEventId },
    },
  ];
}
