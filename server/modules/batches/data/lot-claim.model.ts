import { Schema, Types, type Connection } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * One document per (producer, product, lot). Claimed with an atomic upsert, so two concurrent
 * registrations of the same lot cannot both succeed, also on engines without unique indexes.
 */
export interface LotClaimDoc {
  _id: Types.ObjectId;
  producerId: Types.ObjectId;
  productName: string;
  lot: string;
  batchId: Types.ObjectId;
}

const lotClaimSchema = new Schema<LotClaimDoc>(
  {
    producerId: { type: Schema.Types.ObjectId, required: true },
    productName: { type: String, required: true },
    lot: { type: String, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
lotClaimSchema.index({ producerId: 1, productName: 1, lot: 1 }, { unique: true });

export function lotClaimModel(connection: Connection) {
  return modelFor(connection, "LotClaim", lotClaimSchema);
}

/** True if this call claimed the lot for `batchId`; false if it was already taken. */
export async function claimLot(
  connection: Connection,
  claim: { producerId: Types.ObjectId; productName: string; lot: string; batchId: Types.ObjectId },
): Promise<boolean> {
  const { producerId, productName, lot, batchId } = claim;
  const result = await lotClaimModel(connection).updateOne(
    { producerId, productName, lot },
    { $setOnInsert: { producerId, productName, lot, batchId } },
    { upsert: true },
  );
  return result.upsertedCount === 1;
}

/** The producer's claims on any of these lots. */
export async function lotClaimsOf(connection: Connection, producerId: string, lots: string[]): Promise<LotClaimDoc[]> {
  return lotClaimModel(connection)
    .find({ producerId: new Types.ObjectId(producerId), lot: { $in: lots } })
    .lean<LotClaimDoc[]>();
}
