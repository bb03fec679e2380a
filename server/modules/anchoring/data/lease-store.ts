import type { Connection } from "mongoose";
import { leaseId, leaseModel, type LeaseDoc } from "./lease.model";

/**
 * Named lease documents. Every change is one conditional single-document update (a
 * compare-and-set on holder and token), atomic on MongoDB and on the embedded engine.
 */
export class LeaseStore {
  constructor(private readonly connection: Connection) {}

  private get leases() {
    return leaseModel(this.connection).collection;
  }

  /** Creates the lease, free, unless it exists: concurrent first calls create one document. */
  async ensure(name: string): Promise<void> {
    await this.leases.updateOne(
      { _id: leaseId(name) },
      {
        $setOnInsert: {
          name,
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
  }

  /** Takes the lease for `holder` if it has expired or is already theirs, with a new token. */
  async take(name: string, holder: string, nowMs: number, durationMs: number): Promise<LeaseDoc | null> {
    return (await this.leases.findOneAndUpdate(
      { _id: leaseId(name), $or: [{ expiresAtMs: { $lte: nowMs } }, { holder }] },
      {
        $set: {
          holder,
          expiresAtMs: nowMs + durationMs,
          acquiredAt: new Date(nowMs),
          renewedAt: new Date(nowMs),
        },
        $inc: { token: 1 },
      },
      { returnDocument: "after" },
    )) as LeaseDoc | null;
  }

  /** Extends the tenure `token` of `holder`; null when it is not theirs any more. */
  async extend(
    name: string,
    tenure: { holder: string; token: number },
    nowMs: number,
    durationMs: number,
  ): Promise<LeaseDoc | null> {
    return (await this.leases.findOneAndUpdate(
      { _id: leaseId(name), holder: tenure.holder, token: tenure.token },
      { $set: { expiresAtMs: nowMs + durationMs, renewedAt: new Date(nowMs) } },
      { returnDocument: "after" },
    )) as LeaseDoc | null;
  }

  /** Frees the lease if the tenure is still the current one. */
  async free(name: string, tenure: { holder: string; token: number }): Promise<void> {
    await this.leases.updateOne(
      { _id: leaseId(name), holder: tenure.holder, token: tenure.token },
      { $set: { holder: null, expiresAtMs: 0 } },
    );
  }

  /** Notes a request for the holder to run now (creating the lease, free, if needed). */
  async requestRun(name: string, nowMs: number): Promise<void> {
    await this.leases.updateOne(
      { _id: leaseId(name) },
      {
        $set: { runRequestedAtMs: nowMs },
        $setOnInsert: {
          name,
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

  async find(name: string): Promise<LeaseDoc | null> {
    return (await this.leases.findOne({ _id: leaseId(name) })) as LeaseDoc | null;
  }
}
