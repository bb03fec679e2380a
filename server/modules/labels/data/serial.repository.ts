import { Types, type Connection } from "mongoose";
import { serialModel, type SerialDoc } from "./serial.model";

/** Item serials (the labels' QR codes) as plain objects; scan counters change by atomic updates. */
export class SerialRepository {
  constructor(private readonly connection: Connection) {}

  private get serials() {
    return serialModel(this.connection).collection;
  }

  /** Stores one issue's serials; unordered, so one refused document does not stop the others. */
  async insertMany(serials: SerialDoc[]): Promise<void> {
    await this.serials.insertMany(serials, { ordered: false });
  }

  /** Removes every serial of one issue (an issue that failed part-way). */
  async deleteIssue(issueId: Types.ObjectId): Promise<void> {
    await this.serials.deleteMany({ issueId });
  }

  /** The serials with any of these values, whatever their batch (batch and value only). */
  async withValues(serials: string[]): Promise<Pick<SerialDoc, "batchId" | "serial">[]> {
    if (serials.length === 0) return [];
    return (await this.serials
      .find({ serial: { $in: serials } }, { projection: { batchId: 1, serial: 1 } })
      .toArray()) as unknown as Pick<SerialDoc, "batchId" | "serial">[];
  }

  async find(batchId: Types.ObjectId, serial: string): Promise<SerialDoc | null> {
    return (await this.serials.findOne({ batchId, serial })) as SerialDoc | null;
  }

  /** A batch's serials in issue order, after the id `after` if given. */
  async listOf(batchId: Types.ObjectId, page: { after?: Types.ObjectId; limit: number }): Promise<SerialDoc[]> {
    const filter: Record<string, unknown> = { batchId };
    if (page.after) filter._id = { $gt: page.after };
    return (await this.serials.find(filter).sort({ _id: 1 }).limit(page.limit).toArray()) as unknown as SerialDoc[];
  }

  /** A page of the batch's serials in issue order, with what each item holds: a label sheet's run. */
  async serialsToPrint(
    batchId: Types.ObjectId,
    page: { offset: number; count: number },
  ): Promise<Pick<SerialDoc, "serial" | "itemQuantity">[]> {
    return (await this.serials
      .find({ batchId }, { projection: { _id: 0, serial: 1, itemQuantity: 1 } })
      .sort({ _id: 1 })
      .skip(page.offset)
      .limit(page.count)
      .toArray()) as unknown as Pick<SerialDoc, "serial" | "itemQuantity">[];
  }

  /** Counts one scan (one atomic increment) and sets the first scan time once; the serial after it. */
  async countScan(serialId: Types.ObjectId, at: Date): Promise<SerialDoc | null> {
    const updated = (await this.serials.findOneAndUpdate(
      { _id: serialId },
      { $inc: { scans: 1 }, $set: { lastScanAt: at } },
      { returnDocument: "after" },
    )) as SerialDoc | null;
    await this.serials.updateOne({ _id: serialId, firstScanAt: null }, { $set: { firstScanAt: at } });
    return updated;
  }

  /** Over the batches: serials issued, serials scanned at least once, and their scans. */
  async scanTotals(batchIds: Types.ObjectId[]): Promise<{ issued: number; scanned: number; scans: number }> {
    const [totals] = (await this.serials
      .aggregate([
        { $match: { batchId: { $in: batchIds } } },
        {
          $group: {
            _id: null,
            issued: { $sum: 1 },
            scanned: { $sum: { $cond: [{ $gt: ["$scans", 0] }, 1, 0] } },
            scans: { $sum: "$scans" },
          },
        },
      ])
      .toArray()) as { issued: number; scanned: number; scans: number }[];
    return { issued: totals?.issued ?? 0, scanned: totals?.scanned ?? 0, scans: totals?.scans ?? 0 };
  }

  /** The serial strings of these serial ids. */
  async serialStrings(ids: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = (await this.serials
      .find({ _id: { $in: ids } }, { projection: { serial: 1 } })
      .toArray()) as unknown as Pick<SerialDoc, "_id" | "serial">[];
    return new Map(docs.map((doc) => [doc._id.toHexString(), doc.serial]));
  }

  /** Serials per batch and stated item quantity (`value` absent when not stated). */
  async countsByItemQuantity(batchIds: Types.ObjectId[]) {
    return (await this.serials
      .aggregate([
        { $match: { batchId: { $in: batchIds } } },
        { $group: { _id: { batchId: "$batchId", value: "$itemQuantity.value" }, count: { $sum: 1 } } },
      ])
      .toArray()) as { _id: { batchId: Types.ObjectId; value?: number | null }; count: number }[];
  }
}
