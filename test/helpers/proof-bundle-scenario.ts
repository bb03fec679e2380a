import { expect } from "chai";
import { licensedBrand } from "./brand-scenario";
import { http } from "./http";
import { createBatch, createOrg, type TestOrg } from "./scenario";
import type { TestServer } from "./test-env";
import { anchorNow, recordInspection } from "./verification";

export interface PublicBundle extends Record<string, unknown> {
  events: {
    eventId: string;
    hash: string;
    body: Record<string, unknown>;
    anchor: { root: string; proof: string[] } | null;
  }[];
}

export interface ProofBundleScenario {
  farm: TestOrg;
  factory: TestOrg;
  auditor: TestOrg;
  harvest: { id: string };
  /** A tea batch split from the harvest batch: private price and coordinates, all anchored. */
  subject: { id: string; lot: string };
  publicBundle: PublicBundle;
}

/**
 * What proof bundles are tested on: a branded harvest batch with a sealed location and a sealed
 * price, split to a factory, everything anchored (an anchoring worker must be running).
 */
export async function anchoredSplitBatch(server: TestServer): Promise<ProofBundleScenario> {
  const farm = await createOrg(server, "黄杜村茶园", ["producer"]);
  const factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
  const auditor = await createOrg(server, "市场监督管理局", ["auditor"]);
  const harvest = await createBatch(server, farm, {
    brand: await licensedBrand(server, farm),
    private: ["/data/origin/location"],
  });
  await recordInspection(server, farm, harvest.id, {
    data: { price: { amount: 880, currency: "CNY" } },
    private: ["/data/price"],
  });
  const offered = await http(server.baseUrl, "POST", `/api/batches/${harvest.id}/transfers`, {
    key: farm.key,
    json: { to: factory.id, quantity: { value: 100, unit: "KGM" } },
  });
  expect(offered.status, offered.text).to.equal(201);
  const accepted = await http(server.baseUrl, "POST", `/api/transfers/${offered.body.transfer.id}/accept`, {
    key: factory.key,
    json: {},
  });
  expect(accepted.status, accepted.text).to.equal(200);
  const child = await http(server.baseUrl, "GET", `/api/batches/${offered.body.transfer.batchId}`, {
    key: factory.key,
  });
  const subject = child.body;
  await anchorNow(server);
  const response = await http(server.baseUrl, "GET", `/api/batches/${subject.publicId}/proof-bundle`);
  expect(response.status, response.text).to.equal(200);
  return { farm, factory, auditor, harvest, subject, publicBundle: response.body };
}
