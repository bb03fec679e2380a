import type { Connection, Types } from "mongoose";
import { unknownScanModel, type UnknownScanDoc } from "./unknown-scan.model";

/** Scans of serials nobody issued, as plain objects. */
export class UnknownScanRepository {
  constructor(private readonly connection: Connection) {}

  private get scans() {
    return unknownScanModel(this.connection).collection;
  }

  async insert(scan: UnknownScanDoc): Promise<void> {
    await this.scans.insertOne(scan);
  }

  /**
   * Per GTIN and lot, the scans naming one of the brand's batches, or naming no batch with one of
   * the GTINs: the batch ids seen, scan count, serials, clients and first and last times.
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
            serials: { $addToSet: "$serial" },
            clients: { $addToSet: "$client" },
            firstAt: { $min: "$at" },
            lastAt: { $max: "$at" },
          },
        },
      ])
      .toArray()) as {
      _id: { gtin: string; lot?: string | null };
      batchIds: (Types.ObjectId | null)[];
      scans: number;
      serials: string[];
      clients: string[];
      firstAt: Date | string;
      lastAt: Date | string;
    }[];
  }
}
