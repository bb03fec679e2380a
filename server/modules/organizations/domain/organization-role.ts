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
