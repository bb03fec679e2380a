import { Schema, Types, type Connection } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * What the anchoring worker last saw of the chain, to notice a reset: the genesis block hash
 * (a new chain has another), the registry address and how many transactions of the service
 * signer were mined (a chain rolled back or restarted from older state has fewer). One document.
 */
export interface ChainMarkDoc {
  _id: Types.ObjectId;
  genesisHash: string;
  registry: string;
  minedNonceCount: number;
  updatedAt: Date;
}

/** The one document's fixed id ("chain-mark" in ASCII): concurrent first upserts create one. */
export const CHAIN_MARK_ID = new Types.ObjectId(Buffer.from("chain-mark\0\0", "ascii").toString("hex"));

const chainMarkSchema = new Schema<ChainMarkDoc>(
  {
    genesisHash: { type: String, required: true },
    registry: { type: String, required: true },
    minedNonceCount: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function chainMarkModel(connection: Connection) {
  return modelFor(connection, "ChainMark", chainMarkSchema);
}
