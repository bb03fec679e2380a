/** Where a batch is in its life; events move it (ledger/domain/event-rules.ts). */
export const BATCH_STATUSES = ["active", "in_transit", "consumed", "recalled", "destroyed", "sold"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
