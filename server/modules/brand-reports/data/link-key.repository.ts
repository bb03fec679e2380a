import { randomBytes } from "node:crypto";
import { Types, type Connection } from "mongoose";
import { linkKeyModel, type LinkKeyDoc } from "./link-key.model";

/** Link-signing keys, as plain values. */
export class LinkKeyRepository {
  constructor(private readonly connection: Connection) {}

  /** The key named `name`, created (32 random bytes) by the first caller: one atomic upsert. */
  async keyNamed(name: string, now: Date): Promise<Buffer> {
    const doc = (await linkKeyModel(this.connection).collection.findOneAndUpdate(
      { name },
      { $setOnInsert: { _id: new Types.ObjectId(), key: randomBytes(32).toString("hex"), createdAt: now } },
      { upsert: true, returnDocument: "after" },
    )) as LinkKeyDoc | null;
    if (!doc) throw new Error(`link key ${name} could not be read`);
    return Buffer.from(doc.key, "hex");
  }
}
