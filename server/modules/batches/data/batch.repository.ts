import { Types, type Connection } from "mongoose";
import { batchModel, type BatchDoc } from "./batch.model";

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
}
