import type { Connection, Types } from "mongoose";
import { unknownScanModel, type UnknownScanDoc } from "./unknown-scan.model";

/** Scans of serials nobody issued, as plain objects. */
export class UnknownScanRepository {
  constructor(private readonly connection: Connection) {}

  private get scans() {
    return unknownScanModel(this.connection).collection;
  }

  /** Adds one request to the device's document of that GTIN, lot and day (one upsert). */
  async countScan(scan: Omit<UnknownScanDoc, "requests" | "lastAt">): Promise<void> {
    const { gtin, lot, client, day, at, ...rest } = scan;
    await this.scans.updateOne(
      { gtin, lot, client, day },
      { $inc: { requests: 1 }, $set: { lastAt: at }, $setOnInsert: { ...rest, at } },
      { upsert: true },
    );
  }

  /** Device-days of unknown-serial scans naming one of the brand's batches. */
  async countOfBrand(brandId: Types.ObjectId): Promise<number> {
    return this.scans.countDocuments({ brandId });
  }

  /**
   * Per GTIN and lot, the scans naming one of the brand's batches, or naming no batch with one of
   * the GTINs: the batch ids seen, device-days, requests, first serials, clients, first and last times.
   */
  async groupsOf(brandId: Types.ObjectId, gtins: readonly string[]) {
    return (await this.scans
      .aggregate([
        {
          $match: {
            $or: [{ brandId }, ...(gtins.length > 0 ? [{ batchId: null, gtin: { $in: [...gtins] } }] : [])],
          },
        },
        {
          $group: {
            _id: { gtin: "$gtin", lot: "$lot" },
            batchIds: { $addToSet: "$batchId" },
            scans: { $sum: 1 },
            requests: { $sum: "$requests" },
            serials: { $addToSet: "$serial" },
            clients: { $addToSet: "$client" },
            firstAt: { $min: "$at" },
            lastAt: { $max: "$lastAt" },
          },
        },
      ])
      .toArray()) as {
      _id: { gtin: string; lot?: string | null };
      batchIds: (Types.ObjectId | null)[];
      scans: number;
      requests: number;
      serials: string[];
      clients: string[];
      firstAt: Date | string;
      lastAt: Date | string;
    }[];
  }
}
