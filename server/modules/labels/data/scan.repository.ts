import type { Connection, Types } from "mongoose";
import { scanModel, type ScanDoc } from "./scan.model";

/** The scan log of item serials, as plain objects. */
export class ScanRepository {
  constructor(private readonly connection: Connection) {}

  private get scans() {
    return scanModel(this.connection).collection;
  }

  /**
   * Logs the scan unless its device already scanned the serial that day; true when logged. One
   * upsert (atomic on the embedded engine; the unique index guards it on MongoDB).
   */
  async insertOncePerDay(scan: ScanDoc): Promise<boolean> {
    const { serialId, client, day, ...rest } = scan;
    const result = await this.scans.updateOne(
      { serialId, client, day },
      { $setOnInsert: rest },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  /**
   * Sets the region of the device's scan of the serial that day, unless it has one: "set" when
   * set, "already-set" when it had one, "no-scan" when the device did not scan the serial that day.
   */
  async setRegionOnce(
    key: Pick<ScanDoc, "serialId" | "client" | "day">,
    regionCode: string,
  ): Promise<"set" | "already-set" | "no-scan"> {
    const result = await this.scans.updateOne(
      { ...key, regionCode: { $exists: false } },
      { $set: { regionCode } },
    );
    if (result.modifiedCount === 1) return "set";
    return (await this.scans.countDocuments(key, { limit: 1 })) === 1 ? "already-set" : "no-scan";
  }

  /** The region of a serial's first logged scan (null when that shopper shared none). */
  async firstScanRegion(serialId: Types.ObjectId): Promise<string | null> {
    const [first] = (await this.scans
      .find({ serialId }, { projection: { regionCode: 1 } })
      .sort({ _id: 1 })
      .limit(1)
      .toArray()) as unknown as Pick<ScanDoc, "regionCode">[];
    return first?.regionCode ?? null;
  }

  /** The shared regions of the serials' scans: one entry per device-day that shared one. */
  async regionsOf(serialIds: Types.ObjectId[]) {
    return (await this.scans
      .find({ serialId: { $in: serialIds }, regionCode: { $exists: true } }, { projection: { serialId: 1, regionCode: 1 } })
      .toArray()) as unknown as Required<Pick<ScanDoc, "serialId" | "regionCode">>[];
  }

  /** The clients (pseudonyms) of a serial's latest `limit` scans, newest first. */
  async recentClients(serialId: Types.ObjectId, limit: number): Promise<string[]> {
    const recent = (await this.scans
      .find({ serialId }, { projection: { client: 1 } })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray()) as unknown as Pick<ScanDoc, "client">[];
    return recent.map((scan) => scan.client);
  }

  /** Per serial of the batches: its device-day scans, distinct devices, first scan and its region. */
  async perSerialOf(batchIds: Types.ObjectId[]) {
    return (await this.scans
      .aggregate([
        { $match: { batchId: { $in: batchIds } } },
        { $sort: { _id: 1 } },
        {
          $group: {
            _id: "$serialId",
            batchId: { $first: "$batchId" },
            scans: { $sum: 1 },
            clients: { $addToSet: "$client" },
            firstAt: { $min: "$at" },
            firstRegion: { $first: "$regionCode" },
          },
        },
      ])
      .toArray()) as {
      _id: Types.ObjectId;
      batchId: Types.ObjectId;
      scans: number;
      clients: string[];
      firstAt: Date | string;
      firstRegion?: string | null;
    }[];
  }

  /** Per batch, the scans of its serials after `after`: count, first and last time. */
  async perBatchSince(batchIds: Types.ObjectId[], after: Date | string) {
    return (await this.scans
      .aggregate([
        { $match: { batchId: { $in: batchIds }, at: { $gt: after } } },
        {
          $group: { _id: "$batchId", scans: { $sum: 1 }, firstAt: { $min: "$at" }, lastAt: { $max: "$at" } },
        },
      ])
      .toArray()) as { _id: Types.ObjectId; scans: number; firstAt: Date | string; lastAt: Date | string }[];
  }
}
