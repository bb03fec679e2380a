/** What an audit reports, and the stored events it checks (decision 0009). */
export const FINDING_KINDS = [
  "tampered_content",
  "broken_chain",
  "missing_event",
  "reordered",
  "inserted",
  "not_in_tree",
  "root_not_on_chain",
  "unanchored_too_long",
  "bad_certification_signature",
  "stored_field_mismatch",
  "batch_document_mismatch",
  "transfer_mismatch",
  "certification_field_mismatch",
  "window_leaf_mismatch",
  "ledger_missing",
  "head_behind_anchored_map",
  "anchored_head_rewritten",
  "ledger_map_mismatch",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  batchId: string | null;
  /** Set instead of `batchId` for findings on a brand's licence register (decision 0010). */
  brandId?: string;
  eventId?: string;
  seq?: number;
  certificationId?: string;
  detail: string;
}

/** A stored event as the audit sees it: the query copies and the hashed body. */
export interface AuditedEvent {
  id: string;
  batchId: string;
  seq: number;
  type: string;
  eventTime: Date | string;
  hash: string;
  body: Record<string, unknown>;
  anchor: { windowId: string; root: string | null; leafIndex: number | null } | null;
}

export interface EventCheck {
  eventId: string;
  seq: number;
  storedHash: string;
  recomputedHash: string | null;
  contentOk: boolean;
  linkOk: boolean;
  inclusion: "ok" | "not_in_tree" | "root_not_on_chain" | "unanchored";
  anchoredAt: string | null;
}
