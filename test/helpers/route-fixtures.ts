import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { expect } from "chai";
import { createApp } from "../../server/main/app";
import type { RouteSpec } from "../../server/platform/http/route-registry";
import { createLogger } from "../../server/platform/logger";
import { ORGANIZATION_ROLES } from "../../server/modules/organizations/domain/organization-role";
import { http } from "./http";
import { createBatch, createOrg, type TestOrg } from "./scenario";
import { createCertifier } from "./certification-scenario";
import { certifyProducer, createBrand, license } from "./brand-scenario";
import type { TestEnv, TestServer } from "./test-env";

/**
 * Two tenants, A and B, with one organization of every role in A (plus the owners of B's records),
 * and one record of every kind a route's `resource` can name in each tenant: what the
 * authorization matrix and the fuzz test put into paths. Built once per test file through the API.
 */
export interface RouteFixtures {
  /** A's organization of each role; `revoked` is an organization whose only key was revoked. */
  orgs: Record<string, TestOrg> & { revoked: TestOrg };
  /** Per resource kind: the role whose organization owns A's record, A's id and B's id. */
  resources: Record<string, { ownerRole: string; own: string; other: string }>;
}

const ROLE_NAMES: Record<string, string> = {
  producer: "甲方茶叶合作社",
  processor: "甲方加工厂",
  logistics: "甲方冷链物流",
  retailer: "甲方超市",
  auditor: "甲方审计署",
  brand_owner: "甲方茶叶协会",
  admin: "甲方运维",
};

export async function buildRouteFixtures(server: TestServer): Promise<RouteFixtures> {
  const orgs: Record<string, TestOrg> = {};
  for (const role of ORGANIZATION_ROLES) {
    orgs[role] =
      role === "certifier"
        ? await createCertifier(server, "甲方认证中心")
        : await createOrg(server, ROLE_NAMES[role], [role]);
  }
  const revoked = await createOrg(server, "已吊销的合作社", ["producer"]);
  const keys = await http(server.baseUrl, "GET", `/api/orgs/${revoked.id}/keys`, { key: revoked.key });
  const removed = await http(
    server.baseUrl,
    "DELETE",
    `/api/orgs/${revoked.id}/keys/${keys.body.items[0].id}`,
    {
      key: server.adminKey,
    },
  );
  expect(removed.status, removed.text).to.be.oneOf([200, 204]);

  const a = await tenantRecords(
    server,
    orgs.producer,
    orgs.certifier as never,
    orgs.brand_owner,
    orgs.processor,
  );
  const bProducer = await createOrg(server, "乙方大米合作社", ["producer"]);
  const b = await tenantRecords(
    server,
    bProducer,
    await createCertifier(server, "乙方认证中心"),
    await createOrg(server, "乙方大米协会", ["brand_owner"]),
    await createOrg(server, "乙方加工厂", ["processor"]),
  );
  const pair = (ownerRole: string, kind: keyof TenantRecords) => ({
    ownerRole,
    own: a[kind],
    other: b[kind],
  });
  return {
    orgs: { ...orgs, revoked } as RouteFixtures["orgs"],
    resources: {
      batch: pair("producer", "batch"),
      "batch-public": pair("producer", "publicId"),
      event: pair("producer", "event"),
      transfer: pair("producer", "transfer"),
      import: pair("producer", "import"),
      capture: pair("producer", "capture"),
      organization: pair("producer", "organization"),
      certification: pair("certifier", "certification"),
      certifier: pair("certifier", "certifier"),
      "audit-run": pair("certifier", "auditRun"),
      brand: pair("brand_owner", "brand"),
      licence: pair("brand_owner", "licence"),
      "named-query": pair("producer", "namedQuery"),
    },
  };
}

type TenantRecords = Record<
  | "batch"
  | "publicId"
  | "event"
  | "transfer"
  | "import"
  | "capture"
  | "organization"
  | "certification"
  | "certifier"
  | "auditRun"
  | "brand"
  | "licence"
  | "namedQuery",
  string
>;

async function tenantRecords(
  server: TestServer,
  producer: TestOrg,
  certifier: Awaited<ReturnType<typeof createCertifier>>,
  brandOwner: TestOrg,
  processor: TestOrg,
): Promise<TenantRecords> {
  const post = async (org: TestOrg, path: string, json: unknown, status = 201) => {
    const response = await http(server.baseUrl, "POST", path, { key: org.key, json });
    expect(response.status, `${path}: ${response.text}`).to.equal(status);
    return response.body;
  };
  const batch = await createBatch(server, producer);
  const kept = await createBatch(server, producer);
  const offered = await post(producer, `/api/batches/${kept.id}/transfers`, { to: processor.id });
  const certification = await certifyProducer(server, certifier, producer);
  const brand = await createBrand(server, brandOwner);
  const licence = await license(server, brandOwner, brand.id, producer);
  const imported = await fetch(`${server.baseUrl}/api/imports?name=rows.csv`, {
    method: "POST",
    headers: { authorization: `Bearer ${producer.key}`, "content-type": "text/csv" },
    body: `type,lot,product,category,quantity,unit,place,region_code,harvested_at\nbatch,IMP-${producer.id.slice(-6)},安吉白茶,tea,10,KGM,黄杜村,330523,2026-04-12\n`,
  });
  const importBody = (await imported.json()) as { importId: string };
  expect(imported.status, JSON.stringify(importBody)).to.equal(202);
  const captured = await post(producer, "/api/epcis/capture", epcisHarvest(`CAP-${producer.id.slice(-6)}`));
  const run = await post(certifier, "/api/audit/runs", { scope: { orgId: producer.id } }, 202);
  const namedQuery = await post(producer, "/epcis/queries", {
    name: `q-${producer.id.slice(-6)}`,
    query: { EQ_bizStep: ["inspecting"] },
  });
  return {
    batch: batch.id,
    publicId: batch.publicId,
    event: batch.event.id,
    transfer: offered.transfer.id,
    import: importBody.importId,
    capture: captured.captureId,
    organization: producer.id,
    certification: certification.id,
    certifier: certifier.id,
    auditRun: run.id,
    brand: brand.id,
    licence: licence.id,
    namedQuery: namedQuery.name,
  };
}

function epcisHarvest(lot: string) {
  return {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2026-04-13T00:00:00Z",
    epcisBody: {
      eventList: [
        {
          type: "ObjectEvent",
          action: "ADD",
          bizStep: "commissioning",
          disposition: "active",
          eventTime: "2026-04-13T08:00:00+08:00",
          eventTimeZoneOffset: "+08:00",
          quantityList: [
            { epcClass: `https://id.gs1.org/01/06901234567892/10/${lot}`, quantity: 30, uom: "KGM" },
          ],
          ilmd: {
            "ecotrace:batch": {
              product: { name: "安吉白茶", category: "tea" },
              lot,
              origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
            },
          },
        },
      ],
    },
  };
}

/** An in-process server whose route contracts (the registry's specs) the test can walk. */
export async function startRouteServer(
  env: TestEnv,
  adminKey: string,
): Promise<TestServer & { specs: RouteSpec[] }> {
  const app = createApp({ config: env.config, logger: createLogger(env.config.LOG_LEVEL), ...env.runtime });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    adminKey,
    specs: app.locals.routeSpecs as RouteSpec[],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The route's path with its first parameter replaced by `id`, named ones by `extra`, any other by an
 * unknown id, and the query `queries` gives for the route (some GET routes require one).
 */
export function pathFor(
  spec: RouteSpec,
  id: string,
  extra: Record<string, string> = {},
  queries: Record<string, string> = {},
): string {
  let first = true;
  const path = spec.path.replace(/:(\w+)/g, (_match, name: string) => {
    if (extra[name]) return extra[name];
    if (!first) return "0123456789abcdef01234567";
    first = false;
    return id;
  });
  return `${path}${queries[spec.path] ?? ""}`;
}
