import type { LicenceStatus } from "../../brands";

/** What a brand report is made of: the facts it reads and the anomalies it finds. */

export type Quantity = { value: number; unit: string };

export const ANOMALY_KINDS = [
  "quota_counter_mismatch",
  "labels_beyond_shipped",
  "unknown_serial_scans",
  "suspected_copy_serials",
  "fake_reports",
  "revoked_licence_selling",
  "unrecorded_licence_change",
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export type Severity = "high" | "medium" | "low";

export interface Anomaly {
  kind: AnomalyKind;
  severity: Severity;
  subject: {
    licenceId?: string;
    producerId?: string;
    batchId?: string;
    gtin?: string;
    lot?: string | null;
    eventIds?: string[];
  };
  message: string;
  facts: Record<string, unknown>;
}

export interface ReportLicence {
  id: string;
  producerId: string;
  producerName: string | null;
  category: string;
  period: { from: string; until: string };
  status: LicenceStatus;
  statusChangedAt: Date;
  statusEventId: string | null;
  quota: Quantity;
  used: number;
  remaining: number;
}

/** A licence-register event as the report needs it. */
export interface RegisterEvent {
  id: string;
  type: string;
  licenceId: string | null;
}

/** A shipping, receiving or selling event of a branded batch. */
export interface MovementEvent {
  id: string;
  batchId: string;
  type: "shipping" | "receiving" | "selling";
  actorId: string;
  eventTime: Date;
  /** `data.quantity` when the event states one in plain view. */
  quantity: Quantity | null;
}

export interface ReportTransfer {
  batchId: string;
  fromId: string;
  quantity: Quantity;
  status: "pending" | "accepted" | "rejected";
}

/** Scans of issued serials of one batch after its licence's status change. */
export interface LateScans {
  batchId: string;
  scans: number;
  firstAt: Date;
  lastAt: Date;
}

export interface LicenceRow {
  licenceId: string;
  producer: { id: string; name: string | null };
  category: string;
  period: { from: string; until: string };
  status: LicenceStatus;
  statusChangedAt: string;
  quota: Quantity;
  used: Quantity;
  claimed: Quantity;
  remaining: Quantity;
  batches: BatchRow[];
}

export interface BatchRow {
  batchId: string;
  lot: string;
  gtin: string | null;
  quantity: Quantity;
  claimsQuota: boolean;
  labels: number;
  labelled: Quantity;
}
