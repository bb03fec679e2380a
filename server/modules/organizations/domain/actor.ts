import { ForbiddenError, NotFoundError } from "../../../platform/errors";
import type { OrganizationRole } from "./organization-role";

/** The organization calling the API, as its API key resolved. */
export interface Actor {
  orgId: string;
  name: string;
  roles: OrganizationRole[];
  keyId: string;
}

/** Auditors and admins see every organization's data; everyone else only their own. */
export function canSeeAll(actor: Actor): boolean {
  return actor.roles.includes("admin") || actor.roles.includes("auditor");
}

/**
 * As assertSameTenant, but another organization's record answers 404 exactly as an unknown id
 * (decision 0020): a caller learns nothing about ids that are not its own.
 */
export function assertSameTenantOrHidden(
  actor: Actor,
  ownerOrgIds: string[],
  what: string,
  id: string,
): void {
  if (canSeeAll(actor) || ownerOrgIds.includes(actor.orgId)) return;
  throw new NotFoundError(what, id);
}

export function assertSameTenant(actor: Actor, ownerOrgIds: string[], what: string): void {
  if (canSeeAll(actor) || ownerOrgIds.includes(actor.orgId)) return;
  throw new ForbiddenError(`${what} belongs to another organization`);
}
