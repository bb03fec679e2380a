/** A transfer waits for its receiver, who accepts or rejects it. */
export const TRANSFER_STATUSES = ["pending", "accepted", "rejected"] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
