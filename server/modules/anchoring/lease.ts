import type { Connection } from "mongoose";
import type { LeaseDoc } from "./data/lease.model";
import { LeaseStore } from "./data/lease-store";

export const ANCHORING_LEASE = "anchoring";

/** Thrown when this instance finds that it no longer holds the lease it was acting under. */
export class LeaseLostError extends Error {
  constructor(message = "the anchoring lease is held by another instance now") {
    super(message);
    this.name = "LeaseLostError";
  }
}

/**
 * A lease in MongoDB: one document, changed only by conditional single-document updates.
 *
 * - acquire: succeeds if the lease is free or expired (or already ours), and increments `token`;
 * - renew: succeeds only for the same holder and token, so a holder that was replaced cannot
 *   extend its tenure by accident;
 * - held: decided locally, with a safety margin before expiry, so that an instance that cannot
 *   reach the database stops acting before another one may take over.
 *
 * Expiry compares wall clocks of different instances: it assumes clock skew well below the margin
 * (NTP gives milliseconds). Correctness of anchoring does not depend on it (see decision 0005):
 * the lease avoids duplicate work, window state changes and the registry's root uniqueness keep
 * every event anchored exactly once even with two holders.
 */
export class Lease {
  private tokenHeld: number | null = null;
  private expiresAtMs = 0;
  private readonly store: LeaseStore;

  constructor(
    connection: Connection,
    readonly holder: string,
    readonly durationMs: number,
    private readonly name = ANCHORING_LEASE,
    private readonly now: () => number = Date.now,
  ) {
    this.store = new LeaseStore(connection);
  }

  get token(): number | null {
    return this.tokenHeld;
  }

  /** True while the lease is ours with at least a fifth of its duration left. */
  isHeld(): boolean {
    return this.tokenHeld !== null && this.now() < this.expiresAtMs - this.durationMs / 5;
  }

  assertHeld(): void {
    if (!this.isHeld()) throw new LeaseLostError();
  }

  /** Takes the lease if it is free or expired. Returns the lease document, or null if taken. */
  async acquire(): Promise<LeaseDoc | null> {
    await this.store.ensure(this.name);
    const now = this.now();
    return this.adopt(await this.store.take(this.name, this.holder, now, this.durationMs), now);
  }

  /** Extends the lease. Returns null (and forgets the lease) when another instance holds it now. */
  async renew(): Promise<LeaseDoc | null> {
    if (this.tokenHeld === null) return null;
    const now = this.now();
    const tenure = { holder: this.holder, token: this.tokenHeld };
    return this.adopt(await this.store.extend(this.name, tenure, now, this.durationMs), now);
  }

  /** Gives the lease up so that a standby instance takes over at once. */
  async release(): Promise<void> {
    if (this.tokenHeld === null) return;
    const token = this.tokenHeld;
    this.tokenHeld = null;
    await this.store.free(this.name, { holder: this.holder, token });
  }

  /** Forgets the lease locally (after a failed renewal that may or may not have been applied). */
  forget(): void {
    this.tokenHeld = null;
  }

  private adopt(doc: LeaseDoc | null, now: number): LeaseDoc | null {
    if (!doc) {
      this.tokenHeld = null;
      return null;
    }
    this.tokenHeld = doc.token;
    this.expiresAtMs = now + this.durationMs;
    return doc;
  }
}

/** Asks the lease holder, wherever it runs, to anchor a window now. */
export async function requestAnchorRun(connection: Connection, nowMs = Date.now()): Promise<void> {
  await new LeaseStore(connection).requestRun(ANCHORING_LEASE, nowMs);
}

/** Who holds the anchoring lease now (null when nobody does or it has expired). */
export async function currentLeaseHolder(connection: Connection, nowMs = Date.now()) {
  const lease = await new LeaseStore(connection).find(ANCHORING_LEASE);
  if (!lease?.holder || lease.expiresAtMs <= nowMs) return null;
  return { holder: lease.holder, token: lease.token, expiresAt: new Date(lease.expiresAtMs).toISOString() };
}
