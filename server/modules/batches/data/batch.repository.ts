import { Types, type Connection, type FilterQuery } from "mongoose";
import { batchModel, type BatchDoc } from "./batch.model";
import type { BatchStatus } from "../domain/batch-status";

/** What batches can be listed by (all optional); `visibleTo` keeps those an organization produced or holds. */
export interface BatchFilter {
  product?: string;
  category?: string;
  gtin?: string;
  lot?: string;
  producer?: string;
  holder?: string;
  status?: BatchStatus;
  from?: string;
  to?: string;
  visibleTo?: string;
}

/**
 * Reads of batch documents, as plain objects. Lookups by id stay single `findOne({ _id })`
 * commands (the embedded engine's fast path, decision 0011).
 */
export class BatchRepository {
  constructor(private readonly connection: Connection) {}

  private get batches() {
    return batchModel(this.connection).collection;
  }

  async findById(batchId: string | Types.ObjectId): Promise<BatchDoc | null> {
    return (await this.batches.findOne({ _id: new Types.ObjectId(batchId) })) as BatchDoc | null;
  }

  /** The producer of a batch, or null for an unknown batch. */
  async producerOf(batchId: string): Promise<Types.ObjectId | null> {
    const batch = await this.batches.findOne(
      { _id: new Types.ObjectId(batchId) },
      { projection: { producerId: 1 } },
    );
    return (batch?.producerId as Types.ObjectId | undefined) ?? null;
  }

  /** Ids (hex) of every batch an organization produced. */
  async idsProducedBy(orgId: string): Promise<string[]> {
    const batches = await this.batches
      .find({ producerId: new Types.ObjectId(orgId) }, { projection: { _id: 1 } })
      .toArray();
    return batches.map((batch) => String(batch._id));
  }

  async findByPublicId(publicId: string): Promise<BatchDoc | null> {
    return (await this.batches.findOne({ publicId })) as BatchDoc | null;
  }

  /** Ids of batches stored before public ids existed. */
  async idsWithoutPublicId(): Promise<Types.ObjectId[]> {
    const docs = await this.batches.find({ publicId: { $exists: false } }, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id as Types.ObjectId);
  }

  /** Gives the batch `publicId` unless it has one already (another instance may have been first). */
  async setPublicIdOnce(batchId: Types.ObjectId, publicId: string): Promise<void> {
    await this.batches.updateOne({ _id: batchId, publicId: { $exists: false } }, { $set: { publicId } });
  }

  async insert(batch: BatchDoc): Promise<void> {
    await this.batches.insertOne(batch);
  }

  async insertMany(batches: BatchDoc[]): Promise<void> {
    await this.batches.insertMany(batches);
  }

  /** Up to `limit` batches matching the filter, in id order, after the id `after` if given. */
  async list(filter: BatchFilter, page: { after?: Types.ObjectId; limit: number }): Promise<BatchDoc[]> {
    const query: FilterQuery<BatchDoc> = {};
    if (filter.product) query["product.name"] = filter.product;
    if (filter.category) query["product.category"] = filter.category;
    if (filter.gtin) query["product.gtin"] = filter.gtin.padStart(14, "0");
    if (filter.lot) query.lot = filter.lot;
    if (filter.producer) query.producerId = new Types.ObjectId(filter.producer);
    if (filter.holder) query.holderId = new Types.ObjectId(filter.holder);
    if (filter.status) query.status = filter.status;
    if (filter.from || filter.to) {
      query["origin.harvestedOn"] = {
        ...(filter.from ? { $gte: new Date(filter.from) } : {}),
        ...(filter.to ? { $lte: new Date(filter.to) } : {}),
      };
    }
    if (filter.visibleTo) {
      const me = new Types.ObjectId(filter.visibleTo);
      query.$or = [{ producerId: me }, { holderId: me }];
    }
    if (page.after) query._id = { $gt: page.after };
    return batchModel(this.connection).find(query).sort({ _id: 1 }).limit(page.limit).lean<BatchDoc[]>();
  }

  /** The batches with these ids (any order; unknown ids are absent). */
  async findMany(ids: Types.ObjectId[]): Promise<BatchDoc[]> {
    return batchModel(this.connection)
      .find({ _id: { $in: ids } })
      .lean<BatchDoc[]>();
  }

  /** The batches made from any of these (splits and transformation outputs). */
  async madeFrom(ids: Types.ObjectId[]): Promise<BatchDoc[]> {
    return batchModel(this.connection)
      .find({ "inputs.batchId": { $in: ids } })
      .lean<BatchDoc[]>();
  }

  /**
   * The batches of an audit scope (no condition: every batch), in no particular order: produced by
   * an organization, carrying a brand, from a GB/T 2260 region (code prefix) and/or registered in
   * [from, to); with the fields `projection` names (by default id, head and producer).
   */
  async headsWhere<T extends Pick<BatchDoc, "_id" | "head" | "producerId">>(
    scope: { producerId?: string; brandId?: string; regionCode?: string; from?: string; to?: string },
    projection: Record<string, 1> = { _id: 1, head: 1, producerId: 1 },
  ): Promise<T[]> {
    const filter: Record<string, unknown> = {};
    if (scope.producerId) filter.producerId = new Types.ObjectId(scope.producerId);
    if (scope.brandId) filter.brandId = new Types.ObjectId(scope.brandId);
    // A prefix of digits only (validated at the edge): an index range scan on MongoDB.
    if (scope.regionCode) filter["origin.regionCode"] = { $regex: `^${scope.regionCode}` };
    if (scope.from || scope.to) {
      filter.createdAt = {
        ...(scope.from ? { $gte: new Date(scope.from) } : {}),
        ...(scope.to ? { $lt: new Date(scope.to) } : {}),
      };
    }
    return (await this.batches.find(filter, { projection }).toArray()) as unknown as T[];
  }

  /** The recalled batches from a GB/T 2260 region (code prefix; every region without one). */
  async recalledIn(regionPrefix: string | undefined): Promise<BatchDoc[]> {
    const filter: Record<string, unknown> = { status: "recalled" };
    if (regionPrefix) filter["origin.regionCode"] = { $regex: `^${regionPrefix}` };
    return batchModel(this.connection).find(filter).sort({ _id: -1 }).lean<BatchDoc[]>();
  }

  /** A producer's batches, of a product category and from a place where given, in id order. */
  async producedBy(producerId: string, only: { category?: string; place?: string }): Promise<BatchDoc[]> {
    const query: FilterQuery<BatchDoc> = {
      producerId: new Types.ObjectId(producerId),
      ...(only.category ? { "product.category": only.category } : {}),
      ...(only.place ? { "origin.place": only.place } : {}),
    };
    return batchModel(this.connection).find(query).sort({ _id: 1 }).lean<BatchDoc[]>();
  }

  /** At most `limit` batches with this GTIN and lot (one is expected; two mean the key is ambiguous). */
  async withGtinAndLot(gtin: string, lot: string, limit: number): Promise<BatchDoc[]> {
    return batchModel(this.connection).find({ "product.gtin": gtin, lot }).limit(limit).lean<BatchDoc[]>();
  }

  /** The producer of each of these batches that exists, by batch id (hex). */
  async producersOf(batchIds: Types.ObjectId[]): Promise<Map<string, string>> {
    const docs = await this.batches
      .find({ _id: { $in: batchIds } }, { projection: { producerId: 1 } })
      .toArray();
    return new Map(docs.map((doc) => [doc._id.toHexString(), String(doc.producerId)]));
  }

  /** Ids of the batches matching every condition given (id, GTIN, lot, product, visible to an organization). */
  async idsWhere(filter: {
    id?: string;
    gtin?: string;
    lot?: string;
    product?: string;
    visibleTo?: string;
  }): Promise<Types.ObjectId[]> {
    const query: FilterQuery<BatchDoc> = {};
    if (filter.id) query._id = new Types.ObjectId(filter.id);
    if (filter.gtin) query["product.gtin"] = filter.gtin.padStart(14, "0");
    if (filter.lot) query.lot = filter.lot;
    if (filter.product) query["product.name"] = filter.product;
    if (filter.visibleTo) {
      const me = new Types.ObjectId(filter.visibleTo);
      query.$or = [{ producerId: me }, { holderId: me }];
    }
    const batches = await batchModel(this.connection)
      .find(query, { _id: 1 })
      .lean<Pick<BatchDoc, "_id">[]>();
    return batches.map((batch) => batch._id);
  }

  /** What label room is computed from: lot, quantity, inputs and labelled total (null: no batch). */
  async labelRoomOf(batchId: Types.ObjectId): Promise<LabelledBatch | null> {
    return batchModel(this.connection)
      .findById(batchId, { lot: 1, quantity: 1, inputs: 1, labelled: 1 })
      .lean<LabelledBatch>();
  }

  /**
   * Adds `amount` to the batch's labelled total unless that total is above `ceiling`: one
   * conditional update, atomic on MongoDB and on the embedded engine. The new total, or null if refused.
   */
  async takeLabelRoom(batchId: Types.ObjectId, ceiling: number, amount: number): Promise<number | null> {
    const updated = (await this.batches.findOneAndUpdate(
      { _id: batchId, labelled: { $not: { $gt: ceiling } } },
      { $inc: { labelled: amount } },
      { returnDocument: "after", projection: { labelled: 1 } },
    )) as Pick<BatchDoc, "labelled"> | null;
    return updated ? (updated.labelled ?? amount) : null;
  }

  /** Gives back `amount` of label room on each of the batches. */
  async releaseLabelRoom(batchIds: Types.ObjectId[], amount: number): Promise<void> {
    await this.batches.updateMany({ _id: { $in: batchIds } }, { $inc: { labelled: -amount } });
  }

  /** Every batch carrying the brand. */
  async carrying(brandId: Types.ObjectId): Promise<BatchDoc[]> {
    return batchModel(this.connection).find({ brandId }).lean<BatchDoc[]>();
  }

  /** The batches with any of these lots or ids. */
  async withLotsOrIds(lots: string[], ids: string[]): Promise<BatchDoc[]> {
    return batchModel(this.connection)
      .find({ $or: [{ lot: { $in: lots } }, { _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }] })
      .lean<BatchDoc[]>();
  }
}

/** A batch as label room sees it. */
export type LabelledBatch = Pick<BatchDoc, "_id" | "lot" | "quantity" | "inputs" | "labelled">;
