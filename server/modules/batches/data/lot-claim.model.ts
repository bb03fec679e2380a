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
// The embedded engine narrows a filter by the first field of an index only: by producer, a claim
// would be checked against all of that producer's claims (an import's cost growing with its size).
lotClaimSchema.index({ lot: 1 });

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

/** claimLot for several lots in one command: per claim, whether this call claimed it. */
export async function claimLots(
  connection: Connection,
  claims: { producerId: Types.ObjectId; productName: string; lot: string; batchId: Types.ObjectId }[],
): Promise<boolean[]> {
  if (claims.length === 0) return [];
  const result = await lotClaimModel(connection).collection.bulkWrite(
    claims.map(({ producerId, productName, lot, batchId }) => ({
      updateOne: {
        filter: { producerId, productName, lot },
        update: { $setOnInsert: { producerId, productName, lot, batchId } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return claims.map((_claim, index) => index in result.upsertedIds);
}

/** The producer's claims on any of these lots. */
export async function lotClaimsOf(connection: Connection, producerId: string, lots: string[]): Promise<LotClaimDoc[]> {
  return lotClaimModel(connection)
    .find({ producerId: new Types.ObjectId(producerId), lot: { $in: lots } })
    .lean<LotClaimDoc[]>();
}
