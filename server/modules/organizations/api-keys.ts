import { randomBytes } from "node:crypto";
import type { Connection, Types } from "mongoose";
import { apiKeyModel } from "./data/api-key.model";
import { formatApiKey, hashApiKey, apiKeyPrefix } from "./domain/api-key";

/** Issues a new key for an organization; the plain key is returned once and never stored. */
export async function issueApiKey(
  connection: Connection,
  orgId: Types.ObjectId,
  plainKey?: string,
): Promise<{ id: string; prefix: string; apiKey: string }> {
  const apiKey = plainKey ?? formatApiKey(randomToken(6), randomToken(32));
  const prefix = apiKeyPrefix(apiKey) ?? apiKey.slice(0, 8);
  const created = await apiKeyModel(connection).create({ orgId, prefix, hash: hashApiKey(apiKey) });
  return { id: created._id.toHexString(), prefix, apiKey };
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}
