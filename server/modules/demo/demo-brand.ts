import { DemoApiError, type DemoClient, type Json } from "./demo-client";
import { DEMO_BRAND, type CertificationKey, type DemoDataset } from "./demo-dataset";
import type { DemoOrgs, SeededOrgs } from "./demo-organizations";

/**
 * The regional public brand (区域公用品牌) 安吉白茶: registered by its owner, the association,
 * which licenses both co-ops for this season's tea: one with a fixed quota, one with the quota of
 * its geographical-indication certificate. Harvests registered under the brand take that quota.
 */
export async function createDemoBrand(
  client: DemoClient,
  orgs: SeededOrgs,
  data: DemoDataset,
  certifications: Record<CertificationKey, Json>,
): Promise<Json> {
  const ownerKey = orgs.brandOwner.apiKey;
  const brand = await client.post(ownerKey, "/api/brands", DEMO_BRAND);
  const season = { category: "tea", period: { from: data.date(3, 1), until: data.date(12, 31) } };
  await client.post(ownerKey, `/api/brands/${brand.id}/licences`, {
    producer: orgs.huangdu.id,
    ...season,
    quota: { value: 5000, unit: "KGM" },
  });
  await client.post(ownerKey, `/api/brands/${brand.id}/licences`, {
    producer: orgs.daxi.id,
    ...season,
    quotaFromCertification: certifications.daxiGi.id,
  });
  return brand;
}

/** The demo's brand in a database seeded before (public list, by owner). */
export async function findDemoBrand(client: DemoClient, orgs: DemoOrgs): Promise<Json | null> {
  const { items } = await client.get(undefined, `/api/brands?owner=${orgs.brandOwner.id}`);
  return items.find((brand: Json) => brand.name?.zh === DEMO_BRAND.name.zh) ?? null;
}

/**
 * The brand's public page (its JSON `/api/brands/:id` on a service without brand pages yet) and
 * its report: a signed link a browser opens for 7 days, asked for with `key` (an admin's), or the
 * API URL on a service without signed links.
 */
export async function brandPageOf(
  client: DemoClient,
  brand: Json,
  key: string,
): Promise<{ id: string; name: string; page: string; report: string }> {
  const name = `${brand.name.zh} / ${brand.name.en}`;
  const page = `/brands/${brand.id}`;
  const report = await client
    .post(key, `/api/brands/${brand.id}/page-links`, { hours: 168 })
    .then((links: Json) => String(links.report))
    .catch(() => `${client.baseUrl}/api/brands/${brand.id}/report`);
  try {
    await client.bytes(undefined, page);
    return { id: brand.id, name, page: `${client.baseUrl}${page}`, report };
  } catch (error) {
    if (!(error instanceof DemoApiError) || error.status !== 404) throw error;
    return { id: brand.id, name, page: `${client.baseUrl}/api/brands/${brand.id}`, report };
  }
}
