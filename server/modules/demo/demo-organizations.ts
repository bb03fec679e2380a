import type { DemoClient } from "./demo-client";
import { DEMO_FACTORY_CONTACT, DEMO_MARKER_ORG, DEMO_ORGS, type DemoOrgKey } from "./demo-dataset";

export interface DemoOrg {
  id: string;
  name: string;
  roles: string[];
  /** Shown once when the organization is created; absent when the demo was found already seeded. */
  apiKey?: string;
}

export type DemoOrgs = Record<DemoOrgKey, DemoOrg>;
export type SeededOrgs = Record<DemoOrgKey, DemoOrg & { apiKey: string }>;

/**
 * Creates the demo's organizations with the admin key (the brand owner first: it marks the
 * database as seeded), gives the certifier its own address and registers it on chain, and the
 * tea factory (which recalls a lot) its public contact. That needs
 * a service holding the registry admin key (embedded mode, or REGISTRY_ADMIN_KEY): otherwise the
 * service answers with the transaction the admin must send (docs/operations.md), and the demo
 * stops and says so rather than failing later on every certification.
 */
export async function createDemoOrganizations(
  client: DemoClient,
  adminKey: string,
  certifierAddress: string,
): Promise<SeededOrgs> {
  const created: Partial<SeededOrgs> = {};
  for (const [key, spec] of Object.entries(DEMO_ORGS) as [DemoOrgKey, (typeof DEMO_ORGS)[DemoOrgKey]][]) {
    const body = { ...spec, ...(key === "certifier" ? { address: certifierAddress } : {}) };
    const org = await client.post(adminKey, "/api/orgs", body);
    created[key] = { id: org.id, name: org.name, roles: org.roles, apiKey: org.apiKey };
  }
  const orgs = created as SeededOrgs;
  await client.put(orgs.processor.apiKey, `/api/orgs/${orgs.processor.id}/contact`, DEMO_FACTORY_CONTACT);
  const registration = await client.post(adminKey, `/api/certifiers/${orgs.certifier.id}/register`, {
    name: orgs.certifier.name,
  });
  if (registration.adminTransaction) {
    throw new Error(
      `the service does not hold the registry admin key, so the demo certifier ${certifierAddress} is not registered; ` +
        `the registry admin must send ${JSON.stringify(registration.adminTransaction)} — seed the demo on an embedded service instead`,
    );
  }
  return orgs;
}

/**
 * The demo organizations of an already seeded database, found by name (admin key), or null when
 * the marker organization is not there. A missing one (an interrupted seed) is an error.
 */
export async function findDemoOrganizations(client: DemoClient, adminKey: string): Promise<DemoOrgs | null> {
  const { items } = (await client.get(adminKey, "/api/orgs")) as {
    items: { id: string; name: string; roles: string[] }[];
  };
  if (!items.some((org) => org.name === DEMO_MARKER_ORG)) return null;
  const found: Partial<DemoOrgs> = {};
  for (const [key, spec] of Object.entries(DEMO_ORGS) as [DemoOrgKey, { name: string }][]) {
    const org = items.find((item) => item.name === spec.name);
    if (!org) throw new IncompleteDemoError(`organization ${spec.name} is missing`);
    found[key] = { id: org.id, name: org.name, roles: org.roles };
  }
  return found as DemoOrgs;
}

/** The marker is there but the rest of the demo is not (yet): a seed runs or was interrupted. */
export class IncompleteDemoError extends Error {
  constructor(what: string) {
    super(
      `the database holds an incomplete demo (${what}): a seed is still running (npm start seeds a first start in the background) or was interrupted; wait for it, or start again with an empty DATA_DIR`,
    );
    this.name = "IncompleteDemoError";
  }
}
