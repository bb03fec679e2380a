/**
 * Counterfeit-label heuristics for item-level serials. A genuine item label is scanned by a few
 * people (shop staff, the buyer, their family); a label copied onto many packages is scanned far
 * more often and from many different phones. Either signal flags a possible copy on the page. The
 * thresholds are deliberately generous: a flag asks the consumer to look closer, it is not a
 * verdict on the batch, whose records may be perfectly genuine.
 */
export const COPY_THRESHOLDS = { scans: 20, distinctClients: 5 } as const;

export interface SerialScanSummary {
  scans: number;
  distinctClients: number;
}

export function assessSerialScans(
  summary: SerialScanSummary,
  thresholds: { scans: number; distinctClients: number } = COPY_THRESHOLDS,
): { suspectedCopy: boolean; reason: string | null } {
  const reasons: string[] = [];
  if (summary.scans > thresholds.scans) {
    reasons.push(`scanned ${summary.scans} times (more than ${thresholds.scans} for one item)`);
  }
  if (summary.distinctClients > thresholds.distinctClients) {
    reasons.push(
      `scanned from ${summary.distinctClients} different devices (more than ${thresholds.distinctClients})`,
    );
  }
  return { suspectedCopy: reasons.length > 0, reason: reasons.length > 0 ? reasons.join("; ") : null };
}
