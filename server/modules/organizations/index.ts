/** The organizations module's public surface: other modules import from here, never from its files. */
export { bootstrapAdmin } from "./bootstrap-admin";
export { type OrganizationDoc } from "./data/organization.model";
export { OrganizationRepository } from "./data/organization.repository";
export { assertSameTenant, assertSameTenantOrHidden, canSeeAll, type Actor } from "./domain/actor";
export { type OrganizationRole } from "./domain/organization-role";
export { ApiKeyCache, actorOf, authenticate, requireRoles } from "./http/auth.middleware";
export { organizationRoutes } from "./http/organizations.routes";
export { organizationNames } from "./organizations";
