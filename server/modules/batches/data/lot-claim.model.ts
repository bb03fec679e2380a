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

type LotClaim = Omit<LotClaimDoc, "_id">;

/**
 * True if the lot is now claimed for `batchId`: by this call, or already for this very batch (a
 * registration that died between claiming and storing the batch, resumed); false if another batch
 * holds it.
 */
export async function claimLot(connection: Connection, claim: LotClaim): Promise<boolean> {
  const [claimed] = await claimLots(connection, [claim]);
  return claimed;
}

/** claimLot for several lots in one command (and one read if any was claimed before). */
export async function claimLots(connection: Connection, claims: LotClaim[]): Promise<boolean[]> {
  if (claims.length === 0) return [];
  const claimsModel = lotClaimModel(connection);
  const result = await claimsModel.collection.bulkWrite(
    claims.map(({ producerId, productName, lot, batchId }) => ({
      updateOne: {
        filter: { producerId, productName, lot },
        update: { $setOnInsert: { producerId, productName, lot, batchId } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  const earlier = claims.filter((_claim, index) => !(index in result.upsertedIds));
  const holders =
    earlier.length === 0
      ? []
      : await claimsModel.find({ lot: { $in: earlier.map((claim) => claim.lot) } }).lean<LotClaimDoc[]>();
  return claims.map(
    (claim, index) =>
      index in result.upsertedIds ||
      holders.some(
        (holder) =>
          holder.producerId.equals(claim.producerId) &&
          holder.productName === claim.productName &&
          holder.lot === claim.lot &&
          holder.batchId.equals(claim.batchId),
      ),
  );
}

/** The producer's claims on any of these lots. */
export async function lotClaimsOf(connection: Connection, producerId: string, lots: string[]): Promise<LotClaimDoc[]> {
  return lotClaimModel(connection)
    .find({ producerId: new Types.ObjectId(producerId), lot: { $in: lots } })
    .lean<LotClaimDoc[]>();
}
