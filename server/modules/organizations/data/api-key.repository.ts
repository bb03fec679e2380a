import { Types, type Connection } from "mongoose";
import { apiKeyModel, type ApiKeyDoc } from "./api-key.model";

/** API keys (stored as hashes) as plain objects; every query on the collection is here. */
export class ApiKeyRepository {
  constructor(private readonly connection: Connection) {}

  private get keys() {
    return apiKeyModel(this.connection);
  }

  async create(key: { orgId: Types.ObjectId; prefix: string; hash: string }): Promise<ApiKeyDoc> {
    return (await this.keys.create(key)).toObject();
  }

  async findByHash(hash: string): Promise<ApiKeyDoc | null> {
    return this.keys.findOne({ hash }).lean<ApiKeyDoc>();
  }

  async isActive(hash: string): Promise<boolean> {
    return (await this.keys.exists({ hash, revokedAt: null })) !== null;
  }

  /** An organization's keys, in id order. */
  async listOf(orgId: string): Promise<ApiKeyDoc[]> {
    return this.keys
      .find({ orgId: new Types.ObjectId(orgId) })
      .sort({ _id: 1 })
      .lean<ApiKeyDoc[]>();
  }

  /** Revokes a key of the organization unless it is revoked already; returns the key (null: no such key). */
  async revoke(orgId: string, keyId: string, now: Date): Promise<ApiKeyDoc | null> {
    const filter = { _id: new Types.ObjectId(keyId), orgId: new Types.ObjectId(orgId) };
    await this.keys.updateOne({ ...filter, revokedAt: null }, { $set: { revokedAt: now } });
    return this.keys.findOne(filter).lean<ApiKeyDoc>();
  }
}
