import type { Check } from "./checks";

/**
 * Counterfeit-label evidence for an item-level serial. A genuine item label is scanned by a few
 * people (shop staff, the buyer, their family); a label copied onto many packages is scanned on
 * many more days and from many different phones. Scans are counted once per device per day, so
 * one person reloading the page is one scan. The thresholds are deliberately generous: passing
 * one makes the item's verdict "suspected-copy", never a verdict on the batch's records.
 */
export const COPY_THRESHOLDS = { scans: 20, distinctClients: 5 } as const;

/** What the scan log says about the serial in hand. */
export interface ScanEvidence {
  serial: string;
  /** Device-days on which the serial was scanned. */
  scans: number;
  distinctClients: number;
  firstScanAt: string | null;
}

/** Whether a serial's scan log passes a copy threshold. */
export function isSuspectedCopy(
  summary: { scans: number; distinctClients: number },
  thresholds: { scans: number; distinctClients: number } = COPY_THRESHOLDS,
): boolean {
  return summary.scans > thresholds.scans || summary.distinctClients > thresholds.distinctClients;
}

export function checkScans(
  evidence: ScanEvidence,
  thresholds: { scans: number; distinctClients: number } = COPY_THRESHOLDS,
): Check {
  const reasons: string[] = [];
  if (evidence.scans > thresholds.scans) {
    reasons.push(`scanned ${evidence.scans} times (more than ${thresholds.scans} for one item)`);
  }
  if (evidence.distinctClients > thresholds.distinctClients) {
    reasons.push(
      `scanned from ${evidence.distinctClients} different devices (more than ${thresholds.distinctClients})`,
    );
  }
  if (reasons.length > 0) return { name: "label-scans", status: "fail", detail: reasons.join("; ") };
  return {
    name: "label-scans",
    status: "pass",
    detail: `serial ${evidence.serial} scanned ${evidence.scans} time(s) from ${evidence.distinctClients} device(s)`,
  };
}
