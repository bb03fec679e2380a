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

  /** The clients (pseudonyms) of a serial's latest `limit` scans, newest first. */
  async recentClients(serialId: Types.ObjectId, limit: number): Promise<string[]> {
    const recent = (await this.scans
      .find({ serialId }, { projection: { client: 1 } })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray()) as unknown as Pick<ScanDoc, "client">[];
    return recent.map((scan) => scan.client);
  }

  /** Per serial of the batches: its device-day scans, distinct devices and first scan. */
  async perSerialOf(batchIds: Types.ObjectId[]) {
    return (await this.scans
      .aggregate([
        { $match: { batchId: { $in: batchIds } } },
        {
          $group: {
            _id: "$serialId",
            batchId: { $first: "$batchId" },
            scans: { $sum: 1 },
            clients: { $addToSet: "$client" },
            firstAt: { $min: "$at" },
          },
        },
      ])
      .toArray()) as {
      _id: Types.ObjectId;
      batchId: Types.ObjectId;
      scans: number;
      clients: string[];
      firstAt: Date | string;
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
