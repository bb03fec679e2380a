import type { Connection } from "mongoose";
import { CHAIN_MARK_ID, chainMarkModel, type ChainMarkDoc } from "./chain-mark.model";

export type ChainMark = Omit<ChainMarkDoc, "_id" | "updatedAt">;

/** The stored chain mark (see chain-mark.model.ts): read, and replaced after a reconciliation. */
export class ChainMarkStore {
  constructor(private readonly connection: Connection) {}

  private get marks() {
    return chainMarkModel(this.connection).collection;
  }

  async read(): Promise<ChainMark | null> {
    const doc = (await this.marks.findOne({ _id: CHAIN_MARK_ID })) as ChainMarkDoc | null;
    return doc
      ? { genesisHash: doc.genesisHash, registry: doc.registry, minedNonceCount: doc.minedNonceCount }
      : null;
  }

  async write(mark: ChainMark): Promise<void> {
    await this.marks.updateOne(
      { _id: CHAIN_MARK_ID },
      { $set: { ...mark, updatedAt: new Date() } },
      { upsert: true },
    );
  }
}
