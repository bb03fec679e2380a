import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import type { TransferStatus } from "../domain/transfer-status";

/** A custody transfer: the sender stays the holder until the receiver accepts. */
export interface TransferDoc {
  _id: Types.ObjectId;
  batchId: Types.ObjectId;
  sourceBatchId: Types.ObjectId;
  fromId: Types.ObjectId;
  toId: Types.ObjectId;
  quantity: { value: number; unit: string };
  status: TransferStatus;
  reason?: string;
  createdAt: Date;
  decidedAt?: Date;
}

const transferSchema = new Schema<TransferDoc>(
  {
    batchId: { type: Schema.Types.ObjectId, required: true, index: true },
    sourceBatchId: { type: Schema.Types.ObjectId, required: true },
    fromId: { type: Schema.Types.ObjectId, required: true, index: true },
    toId: { type: Schema.Types.ObjectId, required: true, index: true },
    quantity: { value: Number, unit: String },
    status: { type: String, required: true },
    reason: String,
    createdAt: { type: Date, required: true },
    decidedAt: Date,
  },
  { versionKey: false },
);

export function transferModel(connection: Connection) {
  return modelFor(connection, "Transfer", transferSchema);
}
