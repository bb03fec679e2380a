/** The audit module's public surface: other modules import from here, never from its files. */
export { auditRoutes } from "./http/audit.routes";
export { brandAuditPageRoutes } from "./http/brand-audit-page.routes";
export { regionalOverviewRoutes } from "./http/regional-overview.routes";
