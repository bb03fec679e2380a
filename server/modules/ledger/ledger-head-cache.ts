import type { LedgerHeadDoc } from "./ledger-head";

/**
 * The last known version of recently appended-to ledger heads (batches), so that an append can go
 * straight to its compare-and-set instead of reading the batch first. Safe because every change to
 * a batch goes through the ledger append, which advances `head.seq`: a stale entry fails its compare-and-set and
 * is re-read. Bounded; the oldest entries are dropped first.
 */
export class LedgerHeadCache {
  private readonly entries = new Map<string, LedgerHeadDoc>();

  constructor(private readonly capacity = 10_000) {}

  get(batchId: string): LedgerHeadDoc | undefined {
    return this.entries.get(batchId);
  }

  set(batch: LedgerHeadDoc): void {
    const id = batch._id.toHexString();
    this.entries.delete(id);
    this.entries.set(id, batch);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(batchId: string): void {
    this.entries.delete(batchId);
  }
}
