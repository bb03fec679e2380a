/** What an organization does in the supply chain; roles decide which API calls it may make. */
export const ORGANIZATION_ROLES = [
  "producer",
  "processor",
  "logistics",
  "retailer",
  "certifier",
  "auditor",
  "brand_owner",
  "admin",
] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

/** The roles that hold batches: they offer and accept transfers, so they are listed in the recipient directory. */
export const CUSTODY_ROLES = [
  "producer",
  "processor",
  "logistics",
  "retailer",
] as const satisfies readonly OrganizationRole[];
export type CustodyRole = (typeof CUSTODY_ROLES)[number];
