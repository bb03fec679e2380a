import { Types, type Connection } from "mongoose";
import { transferModel, type TransferDoc } from "./transfer.model";
import type { TransferStatus } from "../domain/transfer-status";

/**
 * Custody transfers as plain objects. A transfer leaves `pending` only through `decide`, a
 * conditional update on that state, so it is decided once.
 */
export class TransferRepository {
  constructor(private readonly connection: Connection) {}

  private get transfers() {
    return transferModel(this.connection);
  }

  async insert(transfer: TransferDoc): Promise<void> {
    await this.transfers.collection.insertOne(transfer);
  }

  async findById(transferId: string): Promise<TransferDoc | null> {
    return this.transfers.findById(transferId).lean<TransferDoc>();
  }

  /** Removes a transfer that is still pending (its shipping event could not be recorded). */
  async withdraw(transferId: Types.ObjectId): Promise<void> {
    await this.transfers.deleteOne({ _id: transferId, status: "pending" });
  }

  /** Records the receiver's decision on a pending transfer. */
  async decide(
    transferId: Types.ObjectId,
    decision: Exclude<TransferStatus, "pending">,
    decidedAt: Date,
    reason?: string,
  ): Promise<void> {
    await this.transfers.updateOne(
      { _id: transferId, status: "pending" },
      { $set: { status: decision, decidedAt, ...(reason ? { reason } : {}) } },
    );
  }

  /** Newest first: transfers from or to `party` (if given), in `status` (if given). */
  async list(filter: { party?: string; status?: string; limit: number }): Promise<TransferDoc[]> {
    const query: Record<string, unknown> = {};
    if (filter.party) {
      const party = new Types.ObjectId(filter.party);
      query.$or = [{ fromId: party }, { toId: party }];
    }
    if (filter.status) query.status = filter.status;
    return this.transfers.find(query).sort({ _id: -1 }).limit(filter.limit).lean<TransferDoc[]>();
  }

  /** Every transfer of any of the batches. */
  async ofBatches(batchIds: Types.ObjectId[]): Promise<TransferDoc[]> {
    return this.transfers.find({ batchId: { $in: batchIds } }).lean<TransferDoc[]>();
  }
}
