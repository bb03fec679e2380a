/** Unknown-serial scans of one GTIN and lot (unknown-scans.ts groups the `unknownscans` log). */
export interface UnknownScanGroup {
  gtin: string;
  lot: string | null;
  batchId: string | null;
  /** Device-days: one device scanning on one day counts once, however many serials it tries. */
  scans: number;
  /** Every request, for the record. */
  requests: number;
  /** Distinct serials among each device-day's first. */
  serials: number;
  clients: number;
  firstAt: Date;
  lastAt: Date;
}
