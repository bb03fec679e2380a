import { expect } from "chai";
import { http } from "./http";
import type { TestServer } from "./test-env";

/** Builders for the objects most tests need, created through the real API. */
export interface TestOrg {
  id: string;
  key: string;
  name: string;
}

export async function createOrg(
  server: Pick<TestServer, "baseUrl" | "adminKey">,
  name: string,
  roles: string[],
): Promise<TestOrg> {
  const response = await http(server.baseUrl, "POST", "/api/orgs", {
    key: server.adminKey,
    json: { name, roles },
  });
  expect(response.status, response.text).to.equal(201);
  return { id: response.body.id, key: response.body.apiKey, name };
}

let lotCounter = 0;

export function teaBatch(overrides: Record<string, unknown> = {}) {
  lotCounter += 1;
  return {
    product: { name: "安吉白茶 明前特级", category: "tea", gtin: "06901234567892" },
    lot: `AJBC-2026-${String(lotCounter).padStart(4, "0")}`,
    origin: {
      place: "溪龙乡黄杜村 3号茶园",
      regionCode: "330523",
      location: { lat: 30.64, lon: 119.68 },
      harvestedAt: "2026-04-12",
    },
    quantity: { value: 500, unit: "KGM" },
    ecoAttributes: { carbonFootprintKgCO2e: 1.8 },
    ...overrides,
  };
}

export async function createBatch(
  server: Pick<TestServer, "baseUrl">,
  producer: TestOrg,
  overrides: Record<string, unknown> = {},
) {
  const response = await http(server.baseUrl, "POST", "/api/batches", {
    key: producer.key,
    json: teaBatch(overrides),
  });
  expect(response.status, response.text).to.equal(201);
  return response.body;
}

/** The public id of a batch (what unauthenticated routes take, decision 0020), read as the admin. */
export async function publicIdOf(server: Pick<TestServer, "baseUrl" | "adminKey">, batchId: string) {
  const response = await http(server.baseUrl, "GET", `/api/batches/${batchId}`, { key: server.adminKey });
  expect(response.status, response.text).to.equal(200);
  return response.body.publicId as string;
}
