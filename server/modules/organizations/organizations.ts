import { Types, type Connection } from "mongoose";
import { ApiKeyRepository } from "./data/api-key.repository";
import { OrganizationRepository } from "./data/organization.repository";
import type { PublicContact } from "./data/organization.model";
import { CUSTODY_ROLES, type CustodyRole, type OrganizationRole } from "./domain/organization-role";
import { NotFoundError } from "../../platform/errors";
import { issueApiKey } from "./api-keys";

export interface OrganizationView {
  id: string;
  name: string;
  roles: OrganizationRole[];
  address?: string;
  publicContact?: PublicContact;
  createdAt: string;
}

export async function createOrganization(
  connection: Connection,
  input: { name: string; roles: OrganizationRole[]; address?: string },
): Promise<OrganizationView & { apiKey: string; keyId: string }> {
  const org = await new OrganizationRepository(connection).create({
    ...input,
    roles: [...new Set(input.roles)],
  });
  const key = await issueApiKey(connection, org._id);
  return { ...toView(org), apiKey: key.apiKey, keyId: key.id };
}

export async function getOrganization(connection: Connection, id: string): Promise<OrganizationView> {
  const org = await new OrganizationRepository(connection).findById(id);
  if (!org) throw new NotFoundError("organization", id);
  return toView(org);
}

export async function listOrganizations(connection: Connection, filter: { ids?: string[] } = {}) {
  const orgs = await new OrganizationRepository(connection).list(filter.ids);
  return orgs.map(toView);
}

/** One entry of the recipient directory: what a sender needs to pick a recipient, nothing more. */
export interface DirectoryEntry {
  id: string;
  name: string;
  roles: CustodyRole[];
}

/**
 * The recipient directory: organizations that accept transfers (a custody role), found by a part
 * of their name, apart from the caller. Only the custody roles are listed: whether an organization
 * also certifies, audits or administers is not a sender's business.
 */
export async function directoryOf(
  connection: Connection,
  callerId: string,
  query: { q?: string; role?: CustodyRole; limit: number },
): Promise<DirectoryEntry[]> {
  const orgs = await new OrganizationRepository(connection).directory({
    roles: query.role ? [query.role] : CUSTODY_ROLES,
    nameContains: query.q,
    exceptId: callerId,
    limit: query.limit,
  });
  return orgs.map((org) => ({
    id: org._id.toHexString(),
    name: org.name,
    roles: CUSTODY_ROLES.filter((role) => org.roles.includes(role)),
  }));
}

export async function listApiKeys(connection: Connection, orgId: string) {
  await getOrganization(connection, orgId);
  const keys = await new ApiKeyRepository(connection).listOf(orgId);
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
  const key = await new ApiKeyRepository(connection).revoke(orgId, keyId, new Date());
  if (!key) throw new NotFoundError("API key", keyId);
  return { id: keyId, prefix: key.prefix, revokedAt: key.revokedAt!.toISOString() };
}

/** Rotation: a new key is issued, then the old one is revoked. */
export async function rotateApiKey(connection: Connection, orgId: string, keyId: string) {
  const revoked = await revokeApiKey(connection, orgId, keyId);
  const replacement = await createApiKey(connection, orgId);
  return { revoked, ...replacement };
}

/**
 * Sets the contact shoppers see for the organization (a recall banner names it): a phone number
 * and/or an email address; sending neither removes it.
 */
export async function setPublicContact(
  connection: Connection,
  orgId: string,
  contact: PublicContact,
): Promise<OrganizationView> {
  const org = await new OrganizationRepository(connection).setPublicContact(orgId, {
    ...(contact.phone ? { phone: contact.phone } : {}),
    ...(contact.email ? { email: contact.email } : {}),
  });
  if (!org) throw new NotFoundError("organization", orgId);
  return toView(org);
}

/** Public contacts by organization id (hex), of the organizations that set one. */
export function publicContacts(
  connection: Connection,
  ids: readonly string[],
): Promise<Map<string, PublicContact>> {
  return new OrganizationRepository(connection).publicContactsOf(ids);
}

function toView(org: {
  _id: Types.ObjectId;
  name: string;
  roles: OrganizationRole[];
  address?: string;
  publicContact?: PublicContact;
  createdAt: Date;
}): OrganizationView {
  return {
    id: org._id.toHexString(),
    name: org.name,
    roles: org.roles,
    ...(org.address ? { address: org.address } : {}),
    ...(org.publicContact ? { publicContact: org.publicContact } : {}),
    createdAt: new Date(org.createdAt).toISOString(),
  };
}

/** Organization names by id (hex); ids that are not ObjectIds or name no organization are absent. */
export function organizationNames(
  connection: Connection,
  ids: readonly string[],
): Promise<Map<string, string>> {
  return new OrganizationRepository(connection).namesOf(ids);
}
