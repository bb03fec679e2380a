import { Types, type Connection } from "mongoose";
import {
  epcisNamedQueryModel,
  epcisSubscriptionModel,
  type EpcisNamedQueryDoc,
  type EpcisSubscriptionDoc,
} from "./epcis-named-query.model";

export type NewSubscription = Omit<
  EpcisSubscriptionDoc,
  "_id" | "leaseUntilMs" | "attempts" | "delivered" | "lastError"
>;

/**
 * Named queries and their subscriptions as plain objects. A name is claimed per organization by
 * an atomic upsert; every delivery state change is a compare-and-set on the lease or the cursor.
 */
export class EpcisNamedQueryRepository {
  constructor(private readonly connection: Connection) {}

  private get queries() {
    return epcisNamedQueryModel(this.connection);
  }

  private get subscriptions() {
    return epcisSubscriptionModel(this.connection);
  }

  /** Stores the query unless the organization has one of that name; true if stored. */
  async createQuery(query: Omit<EpcisNamedQueryDoc, "_id">): Promise<boolean> {
    const before = await this.queries.findOneAndUpdate(
      { orgId: query.orgId, name: query.name },
      { $setOnInsert: query },
      { upsert: true, new: false },
    );
    return before === null;
  }

  async listQueries(orgId: Types.ObjectId): Promise<EpcisNamedQueryDoc[]> {
    return this.queries.find({ orgId }).sort({ name: 1 }).lean<EpcisNamedQueryDoc[]>();
  }

  async findQuery(orgId: Types.ObjectId, name: string): Promise<EpcisNamedQueryDoc | null> {
    return this.queries.findOne({ orgId, name }).lean<EpcisNamedQueryDoc>();
  }

  /** Deletes the query and its subscriptions; false if there was none. */
  async deleteQuery(orgId: Types.ObjectId, name: string): Promise<boolean> {
    const deleted = await this.queries.deleteOne({ orgId, name });
    await this.subscriptions.deleteMany({ orgId, queryName: name });
    return deleted.deletedCount === 1;
  }

  async createSubscription(subscription: NewSubscription): Promise<EpcisSubscriptionDoc> {
    const created = await this.subscriptions.create({
      ...subscription,
      leaseUntilMs: 0,
      attempts: 0,
      delivered: 0,
    });
    return created.toObject();
  }

  async listSubscriptions(orgId: Types.ObjectId, queryName: string): Promise<EpcisSubscriptionDoc[]> {
    return this.subscriptions.find({ orgId, queryName }).sort({ _id: 1 }).lean<EpcisSubscriptionDoc[]>();
  }

  async findSubscription(
    orgId: Types.ObjectId,
    queryName: string,
    id: string,
  ): Promise<EpcisSubscriptionDoc | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.subscriptions
      .findOne({ _id: new Types.ObjectId(id), orgId, queryName })
      .lean<EpcisSubscriptionDoc>();
  }

  async deleteSubscription(orgId: Types.ObjectId, queryName: string, id: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) return false;
    const deleted = await this.subscriptions.deleteOne({ _id: new Types.ObjectId(id), orgId, queryName });
    return deleted.deletedCount === 1;
  }

  /** Ids of subscriptions due for a delivery attempt and not leased by another instance. */
  async dueIds(nowMs: number, limit: number): Promise<Types.ObjectId[]> {
    const due = await this.subscriptions
      .find({ nextAttemptAtMs: { $lte: nowMs }, leaseUntilMs: { $lte: nowMs } }, { _id: 1 })
      .sort({ nextAttemptAtMs: 1 })
      .limit(limit)
      .lean<{ _id: Types.ObjectId }[]>();
    return due.map((subscription) => subscription._id);
  }

  /** Leases a due subscription until `untilMs`; null if another instance holds it or it is gone. */
  async lease(id: Types.ObjectId, nowMs: number, untilMs: number): Promise<EpcisSubscriptionDoc | null> {
    return this.subscriptions
      .findOneAndUpdate(
        { _id: id, nextAttemptAtMs: { $lte: nowMs }, leaseUntilMs: { $lte: nowMs } },
        { $set: { leaseUntilMs: untilMs } },
        { new: true },
      )
      .lean<EpcisSubscriptionDoc>();
  }

  /** After a delivery (or nothing to deliver): moves the cursor from `fromCursor`, releases the lease. */
  async advance(
    subscription: EpcisSubscriptionDoc,
    change: { cursor: string; delivered: number; nextAttemptAtMs: number },
  ): Promise<boolean> {
    const moved = await this.subscriptions.updateOne(
      { _id: subscription._id, cursor: subscription.cursor, leaseUntilMs: subscription.leaseUntilMs },
      {
        $set: { cursor: change.cursor, nextAttemptAtMs: change.nextAttemptAtMs, leaseUntilMs: 0, attempts: 0 },
        $inc: { delivered: change.delivered },
        $unset: { lastError: 1 },
      },
    );
    return moved.modifiedCount === 1;
  }

  /** After a failed delivery: keeps the cursor, counts the attempt, retries at `nextAttemptAtMs`. */
  async backOff(subscription: EpcisSubscriptionDoc, error: string, nextAttemptAtMs: number): Promise<void> {
    await this.subscriptions.updateOne(
      { _id: subscription._id, leaseUntilMs: subscription.leaseUntilMs },
      { $set: { lastError: error, nextAttemptAtMs, leaseUntilMs: 0 }, $inc: { attempts: 1 } },
    );
  }
}
