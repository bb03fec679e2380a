import { ForbiddenError } from "../../../platform/errors";
import type { MemberRole } from "./member-role";
import type { OrganizationRole } from "./organization-role";

/**
 * Who is calling the API: an organization, acting through one of its API keys or one of its
 * members (a console session). Roles and tenancy come from the organization either way; `keyId`
 * or `member` says who exactly did it (logged with every request).
 */
export interface Actor {
  orgId: string;
  name: string;
  roles: OrganizationRole[];
  keyId?: string;
  member?: { id: string; role: MemberRole };
}

/** Auditors and admins see every organization's data; everyone else only their own. */
export function canSeeAll(actor: Actor): boolean {
  return actor.roles.includes("admin") || actor.roles.includes("auditor");
}

export function assertSameTenant(actor: Actor, ownerOrgIds: string[], what: string): void {
  if (canSeeAll(actor) || ownerOrgIds.includes(actor.orgId)) return;
  throw new ForbiddenError(`${what} belongs to another organization`);
}

/**
 * Members and API keys are credentials: the organization itself or the service's admin
 * organization manages them (not an auditor), and among people only a member with the admin role.
 * An API key acts for its whole organization, as it always has.
 */
export function assertManagesOrganization(actor: Actor, orgId: string): void {
  if (!actor.roles.includes("admin")) assertSameTenant({ ...actor, roles: [] }, [orgId], "the organization");
  if (actor.member && actor.member.role !== "admin") {
    throw new ForbiddenError("managing members and API keys needs the member role admin");
  }
}
