/** A mongoose model or a driver collection: anything that deletes by filter. */
interface Deletable {
  deleteMany(filter: Record<string, unknown>): PromiseLike<unknown>;
}

/**
 * Deletes the documents of `collection` whose `field` (a date) has passed, at most once per
 * `intervalMs`. Real MongoDB does this with a TTL index; the embedded engine has no TTL monitor,
 * so the code that writes expiring documents calls `sweep()` as it goes: the collection stays
 * bounded by what is written within one expiry period, on either engine.
 */
export class ExpiredDocumentSweeper {
  private lastSweep = 0;

  constructor(
    private readonly collection: Deletable,
    private readonly field: string,
    private readonly intervalMs = 60_000,
  ) {}

  /** Starts a sweep if the last one is older than the interval; never waits for it or fails. */
  sweep(onError: (error: unknown) => void): void {
    const now = Date.now();
    if (now - this.lastSweep < this.intervalMs) return;
    this.lastSweep = now;
    Promise.resolve(this.collection.deleteMany({ [this.field]: { $lte: new Date(now) } })).catch(onError);
  }
}
