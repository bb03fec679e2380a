/** The organizations module's public surface: other modules import from here, never from its files. */
export { bootstrapAdmin } from "./bootstrap-admin";
export { type OrganizationDoc, type PublicContact } from "./data/organization.model";
export { OrganizationRepository } from "./data/organization.repository";
export {
  assertManagesOrganization,
  assertSameTenant,
  assertSameTenantOrHidden,
  canSeeAll,
  type Actor,
} from "./domain/actor";
export { MEMBER_ROLES, type MemberRole } from "./domain/member-role";
export { type OrganizationRole } from "./domain/organization-role";
export {
  ApiKeyCache,
  CSRF_HEADER,
  actorOf,
  authenticate,
  requireRoles,
  type SessionAuthenticator,
} from "./http/auth.middleware";
export { organizationRoutes } from "./http/organizations.routes";
export { getOrganization, organizationNames, publicContacts } from "./organizations";
