import { expect } from "chai";
import {
  batchDraft,
  certificationDomainOf,
  signCertification,
  type TestCertifier,
} from "./certification-scenario";
import { http } from "./http";
import { createOrg, type TestOrg } from "./scenario";
import type { TestServer } from "./test-env";

/** 安吉白茶: the county's tea brand, requiring a geographical-indication certificate. */
export function anjiBrand(overrides: Record<string, unknown> = {}) {
  return {
    name: { zh: "安吉白茶", en: "Anji White Tea" },
    regionCodes: ["330523"],
    categories: ["tea"],
    requiredSchemes: ["geographical-indication"],
    ...overrides,
  };
}

export async function createBrand(
  server: TestServer,
  owner: TestOrg,
  overrides: Record<string, unknown> = {},
) {
  const response = await http(server.baseUrl, "POST", "/api/brands", {
    key: owner.key,
    json: anjiBrand(overrides),
  });
  expect(response.status, response.text).to.equal(201);
  return response.body as { id: string; name: { zh: string; en: string } };
}

export async function license(
  server: TestServer,
  owner: TestOrg,
  brandId: string,
  producer: TestOrg,
  overrides: Record<string, unknown> = {},
) {
  const response = await http(server.baseUrl, "POST", `/api/brands/${brandId}/licences`, {
    key: owner.key,
    json: {
      producer: producer.id,
      category: "tea",
      period: { from: "2026-03-01", until: "2026-12-31" },
      quota: { value: 1000, unit: "KGM" },
      ...overrides,
    },
  });
  expect(response.status, response.text).to.equal(201);
  return response.body.licence as { id: string; status: string };
}

/** A producer-scope certification of `scheme` covering the producer's 2026 harvests. */
export async function certifyProducer(
  server: TestServer,
  certifier: TestCertifier,
  producer: TestOrg,
  scheme = "geographical-indication",
  overrides: Record<string, unknown> = {},
) {
  const domain = await certificationDomainOf(server, certifier.key);
  const draft = batchDraft(producer.id, {
    subject: { kind: "producer", id: producer.id },
    scheme,
    validFrom: "2026-01-01",
    scope: { category: "tea", regionCodePrefix: "3305" },
    ...overrides,
  });
  const signed = await signCertification(domain, draft, certifier.wallet.address, certifier.wallet);
  const response = await http(server.baseUrl, "POST", "/api/certifications", {
    key: certifier.key,
    json: signed,
  });
  expect(response.status, response.text).to.equal(201);
  return response.body as { id: string; certHash: string };
}

/**
 * A brand (no required certification) with `producer` licensed for 2026 tea: the shortest way to a
 * batch that may carry `brand: <id>` in tests about something else (labels, pages, bundles).
 */
export async function licensedBrand(server: TestServer, producer: TestOrg): Promise<string> {
  const owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
  const brand = await createBrand(server, owner, { requiredSchemes: [] });
  await license(server, owner, brand.id, producer, { quota: { value: 100_000, unit: "KGM" } });
  return brand.id;
}
