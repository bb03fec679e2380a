import type { Connection } from "mongoose";
import { Types } from "mongoose";
import { apiKeyModel } from "./data/api-key.model";
import { organizationModel } from "./data/organization.model";
import { type OrganizationRole } from "./domain/organization-role";
import { NotFoundError } from "../../platform/errors";
import { issueApiKey } from "./api-keys";

export interface OrganizationView {
  id: string;
  name: string;
  roles: OrganizationRole[];
  address?: string;
  createdAt: string;
}

export async function createOrganization(
  connection: Connection,
  input: { name: string; roles: OrganizationRole[]; address?: string },
): Promise<OrganizationView & { apiKey: string; keyId: string }> {
  const org = await organizationModel(connection).create({ ...input, roles: [...new Set(input.roles)] });
  const key = await issueApiKey(connection, org._id);
  return { ...toView(org.toObject()), apiKey: key.apiKey, keyId: key.id };
}

export async function getOrganization(connection: Connection, id: string): Promise<OrganizationView> {
  const org = await organizationModel(connection).findById(id).lean();
  if (!org) throw new NotFoundError("organization", id);
  return toView(org);
}

export async function listOrganizations(connection: Connection, filter: { ids?: string[] } = {}) {
  const query = filter.ids ? { _id: { $in: filter.ids.map((id) => new Types.ObjectId(id)) } } : {};
  const orgs = await organizationModel(connection).find(query).sort({ _id: 1 }).lean();
  return orgs.map(toView);
}

export async function listApiKeys(connection: Connection, orgId: string) {
  await getOrganization(connection, orgId);
  const keys = await apiKeyModel(connection)
    .find({ orgId: new Types.ObjectId(orgId) })
    .sort({ _id: 1 })
    .lean();
  return keys.map((key) => ({
    id: key._id.toHexString(),
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
  }));
}

export async function createApiKey(connection: Connection, orgId: string) {
  await getOrganization(connection, orgId);
  const { id, prefix, apiKey } = await issueApiKey(connection, new Types.ObjectId(orgId));
  return { id, prefix, apiKey };
}

/** Revokes one key of an organization; revoking twice is harmless and keeps the first time. */
export async function revokeApiKey(connection: Connection, orgId: string, keyId: string) {
  const keys = apiKeyModel(connection);
  const filter = { _id: new Types.ObjectId(keyId), orgId: new Types.ObjectId(orgId) };
  await keys.updateOne({ ...filter, revokedAt: null }, { $set: { revokedAt: new Date() } });
  const key = await keys.findOne(filter).lean();
  if (!key) throw new NotFoundError("API key", keyId);
  return { id: keyId, prefix: key.prefix, revokedAt: key.revokedAt!.toISOString() };
}

/** Rotation: a new key is issued, then the old one is revoked. */
export async function rotateApiKey(connection: Connection, orgId: string, keyId: string) {
  const revoked = await revokeApiKey(connection, orgId, keyId);
  const replacement = await createApiKey(connection, orgId);
  return { revoked, ...replacement };
}

function toView(org: {
  _id: Types.ObjectId;
  name: string;
  roles: OrganizationRole[];
  address?: string;
  createdAt: Date;
}): OrganizationView {
  return {
    id: org._id.toHexString(),
    name: org.name,
    roles: org.roles,
    ...(org.address ? { address: org.address } : {}),
    createdAt: new Date(org.createdAt).toISOString(),
  };
}

/** Organization names by id (hex); ids that are not ObjectIds or name no organization are absent. */
export async function organizationNames(
  connection: Connection,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/.test(id));
  const orgs = await organizationModel(connection)
    .find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } }, { name: 1 })
    .lean();
  return new Map(orgs.map((org) => [org._id.toHexString(), org.name]));
}
