import type { Connection, Types } from "mongoose";
import { fakeReportModel, type FakeReportDoc } from "./fake-report.model";

/** Shoppers' fake reports, as plain objects. */
export class FakeReportRepository {
  constructor(private readonly connection: Connection) {}

  private get reports() {
    return fakeReportModel(this.connection).collection;
  }

  /** Stores the report unless this device already reported this serial; true when stored. */
  async insertOncePerDevice(report: FakeReportDoc): Promise<boolean> {
    const { serialId, client, ...rest } = report;
    const result = await this.reports.updateOne({ serialId, client }, { $setOnInsert: rest }, { upsert: true });
    return result.upsertedCount === 1;
  }

  /** Per batch: reports and the serials they name. */
  async perBatch(batchIds: Types.ObjectId[]) {
    return (await this.reports
      .aggregate([
        { $match: { batchId: { $in: batchIds } } },
        { $group: { _id: "$batchId", reports: { $sum: 1 }, serials: { $addToSet: "$serialId" } } },
      ])
      .toArray()) as { _id: Types.ObjectId; reports: number; serials: Types.ObjectId[] }[];
  }
}
