/** Unknown-serial scans of one GTIN and lot (unknown-scans.ts groups the `unknownscans` log). */
export interface UnknownScanGroup {
  gtin: string;
  lot: string | null;
  batchId: string | null;
  scans: number;
  serials: number;
  clients: number;
  firstAt: Date;
  lastAt: Date;
}
