import { Types, type Connection, type FilterQuery } from "mongoose";
import { traceEventModel, type ChainedEvent, type TraceEventDoc } from "./trace-event.model";

/** Stored ledger events as plain objects (they are immutable but for their anchor reference). */
export class TraceEventRepository {
  constructor(private readonly connection: Connection) {}

  private get events() {
    return traceEventModel(this.connection);
  }

  async insert(event: TraceEventDoc): Promise<void> {
    await this.events.collection.insertOne(event);
  }

  async insertMany(events: TraceEventDoc[]): Promise<void> {
    await this.events.collection.insertMany(events);
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

  async findById(eventId: string | Types.ObjectId): Promise<TraceEventDoc | null> {
    return this.events.findById(eventId).lean<TraceEventDoc>();
  }

  /** A batch's events in chain order, at most `limit`. */
  async historyOf(batchId: Types.ObjectId, limit: number): Promise<TraceEventDoc[]> {
    return this.events.find({ batchId }).sort({ seq: 1 }).limit(limit).lean<TraceEventDoc[]>();
  }

  /**
   * Batch events (never a brand register's) in id order, after `after`: of the given batches (all
   * without a list), with eventTime in [from, to) and the given business step when stated; with
   * `logIds`, also the events of those observation logs ("all": of every log, decision 0031).
   */
  async batchEventsWhere(query: {
    batchIds?: Types.ObjectId[];
    logIds?: Types.ObjectId[] | "all";
    from?: string;
    to?: string;
    bizStep?: string;
    after?: Types.ObjectId;
    /** Only events whose id is below this one (recorded before its time). */
    before?: Types.ObjectId;
    limit: number;
  }): Promise<TraceEventDoc[]> {
    const batches: FilterQuery<TraceEventDoc> = { subject: { $exists: false } };
    if (query.batchIds) batches.batchId = { $in: query.batchIds };
    const logs: FilterQuery<TraceEventDoc> = { subject: "observations" };
    if (Array.isArray(query.logIds)) logs.batchId = { $in: query.logIds };
    const filter: FilterQuery<TraceEventDoc> = query.logIds ? { $or: [batches, logs] } : batches;
    if (query.from || query.to) {
      filter.eventTime = {
        ...(query.from ? { $gte: new Date(query.from) } : {}),
        ...(query.to ? { $lt: new Date(query.to) } : {}),
      };
    }
    if (query.bizStep) filter["body.bizStep"] = query.bizStep;
    if (query.after || query.before)
      filter._id = {
        ...(query.after ? { $gt: query.after } : {}),
        ...(query.before ? { $lt: query.before } : {}),
      };
    return this.events.find(filter).sort({ _id: 1 }).limit(query.limit).lean<TraceEventDoc[]>();
  }

  /** The events of these types on any of the batches: id, batch, type, actor, time and stated quantity. */
  async movementsOf(batchIds: Types.ObjectId[], types: readonly string[]) {
    return (await this.events.collection
      .find(
        { batchId: { $in: batchIds }, type: { $in: [...types] } },
        { projection: { batchId: 1, type: 1, actorId: 1, eventTime: 1, "body.data.quantity": 1 } },
      )
      .toArray()) as unknown as Pick<TraceEventDoc, "_id" | "batchId" | "type" | "actorId" | "eventTime" | "body">[];
  }

  /** The recall events of these batches: batch, time and the stated reason. */
  async recallsOf(batchIds: Types.ObjectId[]) {
    return (await this.events.collection
      .find(
        { batchId: { $in: batchIds }, type: "recalling" },
        { projection: { batchId: 1, eventTime: 1, "body.data.reason": 1 } },
      )
      .toArray()) as unknown as Pick<TraceEventDoc, "_id" | "batchId" | "eventTime" | "body">[];
  }

  /** Whether the event exists and belongs to the batch. */
  async isEventOf(eventId: string, batchId: string): Promise<boolean> {
    const found = await this.events.exists({
      _id: new Types.ObjectId(eventId),
      batchId: new Types.ObjectId(batchId),
    });
    return found !== null;
  }

  /** One event of the batch matching the extra conditions (e.g. `{ seq: 1 }`), if any. */
  async findOneOf(batchId: Types.ObjectId, conditions: Record<string, unknown>): Promise<TraceEventDoc | null> {
    return this.events.findOne({ batchId, ...conditions }).lean<TraceEventDoc>();
  }

  /**
   * Every stored event of these batches, in no particular order, with what a proof bundle takes
   * of them: the hashed body, its hash, the chain position and the anchor (the query copies and
   * the audit fields are a quarter of an event's bytes, read, sent and decoded for nothing).
   */
  async ofBatches(batchIds: Types.ObjectId[]): Promise<ChainedEvent[]> {
    // One batch: an equality filter, which the embedded engine serves from its index.
    const filter = batchIds.length === 1 ? { batchId: batchIds[0] } : { batchId: { $in: batchIds } };
    return (await this.events.collection
      .find(filter, { projection: { batchId: 1, seq: 1, hash: 1, body: 1, anchor: 1 } })
      .toArray()) as unknown as ChainedEvent[];
  }

  /** How many events are stored, from the collection's metadata (no event is read). */
  async estimatedCount(): Promise<number> {
    return this.events.collection.estimatedDocumentCount();
  }

  /**
   * The oldest event not claimed by a window yet, with its record time only. Read along the
   * `{ anchor: 1, _id: 1 }` index without a sort: MongoDB walks it in id order; the embedded engine
   * keeps the events of a key in the order they took it (append order) and stops at the first,
   * where a sort would order every pending event (issue 15).
   */
  async oldestUnanchored(): Promise<Pick<TraceEventDoc, "_id" | "recordTime"> | null> {
    const [oldest] = await this.events.collection
      .find({ anchor: null }, { projection: { recordTime: 1 } })
      .hint({ anchor: 1, _id: 1 })
      .limit(1)
      .toArray();
    return (oldest as Pick<TraceEventDoc, "_id" | "recordTime"> | undefined) ?? null;
  }

  /**
   * The newest event not yet in a tree: unclaimed, or carrying one of these claim markers (those
   * of windows still claiming). One `$in` on `anchor`, which its index serves.
   */
  async newestNotYetAnchored(claims: Record<string, unknown>[]): Promise<TraceEventDoc | null> {
    const [newest] = await this.events.collection
      .find({ anchor: { $in: [null, ...claims] } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    return (newest as TraceEventDoc | undefined) ?? null;
  }

  /** An event's anchor reference alone (null: unclaimed; undefined: no such event). */
  async anchorOf(eventId: Types.ObjectId): Promise<TraceEventDoc["anchor"] | undefined> {
    const event = (await this.events.collection.findOne(
      { _id: eventId },
      { projection: { anchor: 1 } },
    )) as Pick<TraceEventDoc, "anchor"> | null;
    return event?.anchor;
  }

  /**
   * Every event whose batch id lies between the lowest and highest of these ids (sorted): one
   * range scan instead of an `$in`, a superset the caller narrows to its batches.
   */
  async ofBatchIdRange(sortedBatchIds: Types.ObjectId[]): Promise<TraceEventDoc[]> {
    const filter =
      sortedBatchIds.length === 1
        ? { batchId: sortedBatchIds[0] }
        : { batchId: { $gte: sortedBatchIds[0], $lte: sortedBatchIds[sortedBatchIds.length - 1] } };
    return (await this.events.collection.find(filter).toArray()) as TraceEventDoc[];
  }

  /** Batch, hash and anchor reference of the stored events among these ids. */
  async anchorRefsOf(eventIds: Types.ObjectId[]): Promise<Pick<TraceEventDoc, "_id" | "batchId" | "hash" | "anchor">[]> {
    return (await this.events.collection
      .find({ _id: { $in: eventIds } }, { projection: { batchId: 1, hash: 1, anchor: 1 } })
      .toArray()) as Pick<TraceEventDoc, "_id" | "batchId" | "hash" | "anchor">[];
  }

  /** Batch and body of the stored events among these ids. */
  async bodiesOf(eventIds: Types.ObjectId[]): Promise<Pick<TraceEventDoc, "_id" | "batchId" | "body">[]> {
    return (await this.events.collection
      .find({ _id: { $in: eventIds } }, { projection: { batchId: 1, body: 1 } })
      .toArray()) as Pick<TraceEventDoc, "_id" | "batchId" | "body">[];
  }

  /** Which of these event ids are stored. */
  async storedIds(eventIds: string[]): Promise<Types.ObjectId[]> {
    const stored = await this.events
      .find({ _id: { $in: eventIds.map((id) => new Types.ObjectId(id)) } }, { _id: 1 })
      .lean();
    return stored.map((event) => event._id);
  }

  /** The bodies of the commissioning events (seq 1) of these batches. */
  async commissioningBodies(
    batchIds: readonly Types.ObjectId[],
  ): Promise<Pick<TraceEventDoc, "batchId" | "body">[]> {
    return (await this.events.collection
      .find({ batchId: { $in: [...batchIds] }, seq: 1 }, { projection: { batchId: 1, body: 1 } })
      .toArray()) as unknown as Pick<TraceEventDoc, "batchId" | "body">[];
  }
}
