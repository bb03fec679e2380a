import { randomBytes } from "node:crypto";
import type { Connection, Types } from "mongoose";
import { ApiKeyRepository } from "./data/api-key.repository";
import { OrganizationRepository } from "./data/organization.repository";
import type { Actor } from "./domain/actor";
import { formatApiKey, hashApiKey, apiKeyPrefix } from "./domain/api-key";

/** Issues a new key for an organization; the plain key is returned once and never stored. */
export async function issueApiKey(
  connection: Connection,
  orgId: Types.ObjectId,
  plainKey?: string,
): Promise<{ id: string; prefix: string; apiKey: string }> {
  const apiKey = plainKey ?? formatApiKey(randomToken(6), randomToken(32));
  const prefix = apiKeyPrefix(apiKey) ?? apiKey.slice(0, 8);
  const created = await new ApiKeyRepository(connection).create({ orgId, prefix, hash: hashApiKey(apiKey) });
  return { id: created._id.toHexString(), prefix, apiKey };
}

/** The organization a key hash belongs to, as an Actor; or why the key is refused. */
export async function resolveApiKey(connection: Connection, keyHash: string): Promise<Actor | string> {
  const key = await new ApiKeyRepository(connection).findByHash(keyHash);
  if (!key || key.revokedAt) return "the API key is unknown or revoked";
  const org = await new OrganizationRepository(connection).findById(key.orgId);
  if (!org) return "the API key's organization no longer exists";
  return { orgId: org._id.toHexString(), name: org.name, roles: org.roles, keyId: key._id.toHexString() };
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}
