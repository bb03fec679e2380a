import type { Connection } from "mongoose";
import { leaseId, leaseModel, type LeaseDoc } from "./data/lease.model";

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

  constructor(
    private readonly connection: Connection,
    readonly holder: string,
    readonly durationMs: number,
    private readonly name = ANCHORING_LEASE,
    private readonly now: () => number = Date.now,
  ) {}

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
    const leases = leaseModel(this.connection);
    const _id = leaseId(this.name);
    await leases.collection.updateOne(
      { _id },
      {
        $setOnInsert: {
          name: this.name,
          holder: null,
          token: 0,
          expiresAtMs: 0,
          acquiredAt: null,
          renewedAt: null,
          runRequestedAtMs: 0,
        },
      },
      { upsert: true },
    );
    const now = this.now();
    const doc = await leases.collection.findOneAndUpdate(
      { _id, $or: [{ expiresAtMs: { $lte: now } }, { holder: this.holder }] },
      {
        $set: {
          holder: this.holder,
          expiresAtMs: now + this.durationMs,
          acquiredAt: new Date(now),
          renewedAt: new Date(now),
        },
        $inc: { token: 1 },
      },
      { returnDocument: "after" },
    );
    return this.adopt(doc as LeaseDoc | null, now);
  }

  /** Extends the lease. Returns null (and forgets the lease) when another instance holds it now. */
  async renew(): Promise<LeaseDoc | null> {
    if (this.tokenHeld === null) return null;
    const now = this.now();
    const doc = await leaseModel(this.connection).collection.findOneAndUpdate(
      { _id: leaseId(this.name), holder: this.holder, token: this.tokenHeld },
      { $set: { expiresAtMs: now + this.durationMs, renewedAt: new Date(now) } },
      { returnDocument: "after" },
    );
    return this.adopt(doc as LeaseDoc | null, now);
  }

  /** Gives the lease up so that a standby instance takes over at once. */
  async release(): Promise<void> {
    if (this.tokenHeld === null) return;
    const token = this.tokenHeld;
    this.tokenHeld = null;
    await leaseModel(this.connection).collection.updateOne(
      { _id: leaseId(this.name), holder: this.holder, token },
      { $set: { holder: null, expiresAtMs: 0 } },
    );
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
  await leaseModel(connection).collection.updateOne(
    { _id: leaseId(ANCHORING_LEASE) },
    {
      $set: { runRequestedAtMs: nowMs },
      $setOnInsert: {
        name: ANCHORING_LEASE,
        holder: null,
        token: 0,
        expiresAtMs: 0,
        acquiredAt: null,
        renewedAt: null,
      },
    },
    { upsert: true },
  );
}

/** Who holds the anchoring lease now (null when nobody does or it has expired). */
export async function currentLeaseHolder(connection: Connection, nowMs = Date.now()) {
  const lease = (await leaseModel(connection).collection.findOne({
    _id: leaseId(ANCHORING_LEASE),
  })) as LeaseDoc | null;
  if (!lease?.holder || lease.expiresAtMs <= nowMs) return null;
  return { holder: lease.holder, token: lease.token, expiresAt: new Date(lease.expiresAtMs).toISOString() };
}
