import { Types, type Connection } from "mongoose";
import { traceEventModel, type TraceEventDoc } from "./trace-event.model";

/** Stored ledger events as plain objects (they are immutable but for their anchor reference). */
export class TraceEventRepository {
  constructor(private readonly connection: Connection) {}

  private get events() {
    return traceEventModel(this.connection);
  }

  async insert(event: TraceEventDoc): Promise<void> {
    await this.events.collection.insertOne(event);
  }

  /** Up to `limit` events of one ledger (a batch's, or a brand's register) after `afterSeq`, in order. */
  async listOf(subjectId: string, page: { afterSeq: number; limit: number }): Promise<TraceEventDoc[]> {
    return this.events
      .find({ batchId: new Types.ObjectId(subjectId), seq: { $gt: page.afterSeq } })
      .sort({ seq: 1 })
      .limit(page.limit)
      .lean<TraceEventDoc[]>();
  }

  /** A brand's licence register, in chain order. */
  async brandRegister(brandId: Types.ObjectId): Promise<TraceEventDoc[]> {
    return this.events.find({ batchId: brandId, subject: "brand" }).sort({ seq: 1 }).lean<TraceEventDoc[]>();
  }
}
