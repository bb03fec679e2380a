export const AUDIT_RUN_STATES = ["queued", "running", "done", "failed"] as const;
export type AuditRunState = (typeof AUDIT_RUN_STATES)[number];

/** At most this many findings are stored with a run; `findingsCount` is always the full count. */
export const AUDIT_MAX_STORED_FINDINGS = 10_000;

export interface AuditScope {
  orgId?: string;
  /** Batches carrying the brand, and the brand's licence register chain. */
  brandId?: string;
  /** Batches whose origin region code starts with this GB/T 2260 prefix (2, 4 or 6 digits). */
  regionCode?: string;
  from?: string;
  to?: string;
}
