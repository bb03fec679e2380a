import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { createProvider } from "../../server/platform/evm/chain-client";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { anjiBrand, certifyProducer, createBrand, license } from "../helpers/brand-scenario";
import { createCertifier, signStatusChange, type TestCertifier } from "../helpers/certification-scenario";
import { startWorker, waitUntilAllAnchored } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("brands and licences API", () => {
  let env: TestEnv;
  let server: TestServer;
  let owner: TestOrg;
  let otherOwner: TestOrg;
  let farm: TestOrg;
  let otherFarm: TestOrg;
  let factory: TestOrg;
  let certifier: TestCertifier;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    otherOwner = await createOrg(server, "五常市大米协会", ["brand_owner"]);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    otherFarm = await createOrg(server, "溪龙乡茶场", ["producer"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
    certifier = await createCertifier(server, "中国质量认证中心");
    await certifyProducer(server, certifier, farm);
  });
  after(() => server.close());

  const post = (key: string, path: string, json: unknown = {}) =>
    http(server.baseUrl, "POST", path, { key, json });
  const get = (path: string, key?: string) => http(server.baseUrl, "GET", path, key ? { key } : {});
  const register = (producer: TestOrg, overrides: Record<string, unknown>) =>
    post(producer.key, "/api/batches", teaBatch(overrides));

  describe("POST /api/brands", () => {
    it("registers a brand owned by the caller and starts its licence register with a hashed event", async () => {
      const response = await post(owner.key, "/api/brands", anjiBrand());
      expect(response.status, response.text).to.equal(201);
      expect(response.body).to.include({ ownerId: owner.id });
      expect(response.body.head.seq).to.equal(1);
      const events = await get(`/api/brands/${response.body.id}/events`);
      expect(events.status).to.equal(200);
      expect(events.body.items).to.have.length(1);
      const [registered] = events.body.items;
      expect(registered.type).to.equal("brand_registered");
      expect(registered.body).to.include({ brandId: response.body.id, seq: 1 });
      expect(registered.body.data.name).to.deep.equal({ zh: "安吉白茶", en: "Anji White Tea" });
      expect(computeEventHash(registered.body)).to.equal(registered.hash);
      expect(registered.hash).to.equal(response.body.head.hash);
    });

    it("refuses callers without the brand_owner role", async () => {
      const response = await post(farm.key, "/api/brands", anjiBrand());
      expect(response.status).to.equal(403);
    });

    for (const [field, patch, problem] of [
      ["body.name.en", { name: { zh: "安吉白茶" } }, ""],
      ["body.regionCodes[0]", { regionCodes: ["99"] }, "six-digit"],
      ["body.categories[0]", { categories: ["Tea!"] }, "lowercase category"],
      [
        "body.logo.mediaType",
        { logo: { sha256: "a".repeat(64), mediaType: "text/html" } },
        "image media type",
      ],
      ["body.colour", { colour: "green" }, ""],
    ] as const) {
      it(`answers 400 naming ${field}`, async () => {
        const response = await post(owner.key, "/api/brands", anjiBrand(patch));
        expect(response.status, response.text).to.equal(400);
        const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
        expect(fields.join(" ")).to.include(field === "body.colour" ? "body" : field);
        if (problem) expect(response.body.error.message).to.include(problem);
      });
    }

    it("answers 422 for an unknown required scheme, storing nothing", async () => {
      const before = (await get("/api/brands")).body.items.length;
      const response = await post(owner.key, "/api/brands", anjiBrand({ requiredSchemes: ["halal-tea"] }));
      expect(response.status).to.equal(422);
      expect(response.body.error.details).to.include({ field: "body.requiredSchemes[0]" });
      expect((await get("/api/brands")).body.items.length).to.equal(before);
    });
  });

  describe("anchoring the register", () => {
    it("anchors register events with batch events and proves them against the chain", async () => {
      const brand = await createBrand(server, owner);
      await license(server, owner, brand.id, farm);
      const worker = startWorker(env.runtime.connection, env.runtime.chain);
      try {
        await waitUntilAllAnchored(env.runtime.connection);
      } finally {
        await worker.stop();
      }
      const register = (await get(`/api/brands/${brand.id}/events`)).body.items;
      expect(register).to.have.length(2);
      for (const event of register) {
        const proof = await get(`/api/events/${event.id}/proof`, farm.key);
        expect(proof.status, proof.text).to.equal(200);
        expect(proof.body.eventHash).to.equal(event.hash);
        const { root, proof: path, leaf } = proof.body;
        expect(await env.runtime.chain.registry.verifyLeaf(root, path, leaf)).to.equal(true);
      }
    });
  });

  describe("licences", () => {
    let brand: { id: string };
    before(async () => {
      brand = await createBrand(server, owner);
    });

    it("licenses a producer with a quota and records the licence on the register", async () => {
      const response = await post(owner.key, `/api/brands/${brand.id}/licences`, {
        producer: otherFarm.id,
        category: "tea",
        period: { from: "2026-03-01", until: "2026-10-31" },
        quota: { value: 300, unit: "KGM" },
      });
      expect(response.status, response.text).to.equal(201);
      const { licence, event } = response.body;
      expect(licence).to.include({ brandId: brand.id, producerId: otherFarm.id, status: "active" });
      expect(licence.quota).to.deep.equal({ value: 300, unit: "KGM" });
      expect(licence.remaining).to.deep.equal({ value: 300, unit: "KGM" });
      expect(licence.statusEventId).to.equal(event.id);
      const register = (await get(`/api/brands/${brand.id}/events`)).body.items;
      expect(register.map((item: { type: string }) => item.type)).to.deep.equal([
        "brand_registered",
        "licence_issued",
      ]);
      expect(register[1].body.data).to.include({ licenceId: licence.id, producer: otherFarm.id });
      expect(register[1].body.prevHash).to.equal(register[0].hash);
      expect((await get(`/api/licences/${licence.id}`)).body.status).to.equal("active");
    });

    it("lets only the brand's owner license producers", async () => {
      const body = {
        producer: farm.id,
        category: "tea",
        period: { from: "2026-03-01", until: "2026-10-31" },
        quota: { value: 1, unit: "KGM" },
      };
      expect((await post(otherOwner.key, `/api/brands/${brand.id}/licences`, body)).status).to.equal(403);
      expect((await post(farm.key, `/api/brands/${brand.id}/licences`, body)).status).to.equal(403);
    });

    it("names the field of each invalid licence request", async () => {
      const valid = {
        producer: farm.id,
        category: "tea",
        period: { from: "2026-03-01", until: "2026-10-31" },
        quota: { value: 1, unit: "KGM" },
      };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ ...valid, category: "rice" }, 422, "body.category"],
        [{ ...valid, producer: owner.id }, 422, "body.producer"],
        [{ ...valid, producer: "0".repeat(24) }, 422, "body.producer"],
        [{ ...valid, period: { from: "2026-10-31", until: "2026-03-01" } }, 400, "body.period.until"],
        [{ ...valid, quota: undefined }, 400, "body.quota"],
        [{ ...valid, quotaFromCertification: "a".repeat(24) }, 400, "body.quota"],
        [{ ...valid, quota: { value: -1, unit: "KGM" } }, 400, "body.quota.value"],
      ];
      for (const [body, status, field] of cases) {
        const response = await post(owner.key, `/api/brands/${brand.id}/licences`, body);
        expect(response.status, `${field}: ${response.text}`).to.equal(status);
        const details = response.body.error.details;
        const fields = Array.isArray(details)
          ? details.map((detail: { field: string }) => detail.field)
          : [details.field];
        expect(fields, response.text).to.include(field);
      }
    });

    it("derives a quota from a certification's quantity cap", async () => {
      const certification = await certifyProducer(server, certifier, otherFarm, "organic", {
        quantityCap: { value: 750, unit: "KGM" },
      });
      const response = await post(owner.key, `/api/brands/${brand.id}/licences`, {
        producer: otherFarm.id,
        category: "tea",
        period: { from: "2026-03-01", until: "2026-10-31" },
        quotaFromCertification: certification.id,
      });
      expect(response.status, response.text).to.equal(201);
      expect(response.body.licence.quota).to.deep.equal({ value: 750, unit: "KGM" });
      expect(response.body.licence.quotaCertificationId).to.equal(certification.id);
      const uncapped = await certifyProducer(server, certifier, otherFarm, "green-food");
      const refused = await post(owner.key, `/api/brands/${brand.id}/licences`, {
        producer: otherFarm.id,
        category: "tea",
        period: { from: "2026-03-01", until: "2026-10-31" },
        quotaFromCertification: uncapped.id,
      });
      expect(refused.status).to.equal(422);
      expect(refused.body.error.message).to.include("quantity cap");
    });

    it("suspends, reinstates and revokes, each change a register event; revoked is final", async () => {
      const licence = await license(server, owner, brand.id, otherFarm);
      const suspended = await post(owner.key, `/api/licences/${licence.id}/suspend`, {
        reason: "抽检不合格",
      });
      expect(suspended.status, suspended.text).to.equal(200);
      expect(suspended.body.licence).to.include({ status: "suspended", statusReason: "抽检不合格" });
      expect((await post(otherOwner.key, `/api/licences/${licence.id}/reinstate`)).status).to.equal(403);
      const reinstated = await post(owner.key, `/api/licences/${licence.id}/reinstate`);
      expect(reinstated.body.licence.status).to.equal("active");
      const again = await post(owner.key, `/api/licences/${licence.id}/reinstate`);
      expect(again.status).to.equal(422);
      expect(again.body.error.code).to.equal("LICENCE_STATE");
      const revoked = await post(owner.key, `/api/licences/${licence.id}/revoke`, { reason: "以次充好" });
      expect(revoked.body.licence.status).to.equal("revoked");
      expect((await post(owner.key, `/api/licences/${licence.id}/reinstate`)).status).to.equal(422);
      const register = (await get(`/api/brands/${brand.id}/events`)).body.items;
      const changes = register.filter(
        (item: { body: { data: { licenceId?: string } } }) => item.body.data.licenceId === licence.id,
      );
      expect(changes.map((item: { type: string }) => item.type)).to.deep.equal([
        "licence_issued",
        "licence_suspended",
        "licence_reinstated",
        "licence_revoked",
      ]);
      expect(revoked.body.licence.statusEventId).to.equal(changes[3].id);
      register.forEach((item: { seq: number; prevHash: string }, index: number) => {
        expect(item.seq).to.equal(index + 1);
        if (index > 0) expect(item.prevHash).to.equal(register[index - 1].hash);
      });
    });

    it("lists a producer's own licences and refuses other producers' to non-auditors", async () => {
      const own = await get("/api/licences", otherFarm.key);
      expect(own.status).to.equal(200);
      expect(own.body.items.length).to.be.greaterThan(0);
      expect(
        own.body.items.every((item: { producerId: string }) => item.producerId === otherFarm.id),
      ).to.equal(true);
      expect((await get(`/api/licences?producer=${otherFarm.id}`, farm.key)).status).to.equal(403);
      expect(
        (await get(`/api/licences?producer=${otherFarm.id}`, server.adminKey)).body.items,
      ).to.have.length(own.body.items.length);
    });
  });

  describe("claiming a brand on a batch", () => {
    let brand: { id: string };
    let licence: { id: string };
    before(async () => {
      brand = await createBrand(server, owner);
      licence = await license(server, owner, brand.id, farm, { quota: { value: 1000, unit: "KGM" } });
    });

    it("registers a batch under a valid licence, takes quota and hashes the claim into commissioning", async () => {
      const response = await register(farm, { brand: brand.id, quantity: { value: 400, unit: "KGM" } });
      expect(response.status, response.text).to.equal(201);
      expect(response.body).to.include({ brand: "安吉白茶", brandId: brand.id, licenceId: licence.id });
      const events = await get(`/api/batches/${response.body.id}/events`, farm.key);
      const [commissioning] = events.body.items;
      expect(commissioning.body.data).to.include({
        brand: "安吉白茶",
        brandId: brand.id,
        licenceId: licence.id,
      });
      expect(computeEventHash(commissioning.body)).to.equal(commissioning.hash);
      const after = (await get(`/api/licences/${licence.id}`)).body;
      expect(after.used).to.deep.equal({ value: 400, unit: "KGM" });
      expect(after.remaining).to.deep.equal({ value: 600, unit: "KGM" });
    });

    it("refuses a batch beyond the remaining quota, saying how much is left, and stores nothing", async () => {
      const before = (await get(`/api/batches?producer=${farm.id}`, farm.key)).body.items.length;
      const response = await register(farm, { brand: brand.id, quantity: { value: 601, unit: "KGM" } });
      expect(response.status).to.equal(422);
      expect(response.body.error.code).to.equal("BRAND_CLAIM_REFUSED");
      expect(response.body.error.message).to.include("600 KGM of its quota left");
      expect(response.body.error.details.field).to.equal("body.brand");
      expect((await get(`/api/batches?producer=${farm.id}`, farm.key)).body.items.length).to.equal(before);
      expect((await get(`/api/licences/${licence.id}`)).body.remaining.value).to.equal(600);
    });

    it("gives the quota back when the registration fails after the claim (lot already used)", async () => {
      const first = await register(farm, { brand: brand.id, quantity: { value: 10, unit: "KGM" } });
      expect(first.status, first.text).to.equal(201);
      const duplicate = await register(farm, {
        brand: brand.id,
        lot: first.body.lot,
        quantity: { value: 10, unit: "KGM" },
      });
      expect(duplicate.status).to.equal(409);
      expect((await get(`/api/licences/${licence.id}`)).body.remaining.value).to.equal(590);
    });

    it("refuses producers without a licence, other categories, regions outside the brand and unknown brands", async () => {
      const cases: [TestOrg, Record<string, unknown>, string][] = [
        [otherFarm, { brand: brand.id }, "holds no licence"],
        [
          farm,
          { brand: brand.id, product: { name: "安吉竹笋", category: "bamboo-shoot" } },
          "covers tea, not bamboo-shoot",
        ],
        [
          farm,
          { brand: brand.id, origin: { place: "杭州", regionCode: "330106", harvestedAt: "2026-04-12" } },
          "outside the brand's regions",
        ],
        [
          farm,
          { brand: brand.id, origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2025-04-12" } },
          "outside the licence period",
        ],
        [farm, { brand: "0".repeat(24) }, "no registered brand"],
        [farm, { brand: brand.id, quantity: { value: 10, unit: "LTR" } }, "quota is in KGM"],
      ];
      for (const [producer, overrides, reason] of cases) {
        const response = await register(producer, overrides);
        expect(response.status, `${reason}: ${response.text}`).to.equal(422);
        expect(response.body.error.message).to.include(reason);
      }
      const invalid = await register(farm, { brand: "安吉白茶" });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details[0].field).to.equal("body.brand");
    });

    it("needs the brand's required certifications to be valid on chain", async () => {
      const uncertified = await createOrg(server, "未认证茶场", ["producer"]);
      await license(server, owner, brand.id, uncertified);
      const missing = await register(uncertified, { brand: brand.id, quantity: { value: 5, unit: "KGM" } });
      expect(missing.status).to.equal(422);
      expect(missing.body.error.message).to.include(
        "no geographical-indication certification covers the batch",
      );

      const certification = await certifyProducer(server, certifier, uncertified);
      const accepted = await register(uncertified, { brand: brand.id, quantity: { value: 5, unit: "KGM" } });
      expect(accepted.status, accepted.text).to.equal(201);

      const { relayPath, body } = await signStatusChange(
        server,
        certifier,
        certification.id,
        "revoked",
        "标志滥用",
      );
      expect((await post(certifier.key, relayPath, body)).status).to.equal(201);
      const revoked = await register(uncertified, { brand: brand.id, quantity: { value: 5, unit: "KGM" } });
      expect(revoked.status).to.equal(422);
      expect(revoked.body.error.message).to.include("is revoked");
    });

    it("answers 503, taking no quota, when the registry cannot be read to check certifications", async () => {
      const dead = createProvider("http://127.0.0.1:9");
      const app = createApp({
        config: env.config,
        logger: createLogger("silent"),
        ...env.runtime,
        useCaseContext: { ...env.runtime.useCaseContext, chain: { ...env.runtime.chain, provider: dead } },
      });
      const listening = app.listen(0, "127.0.0.1");
      await new Promise((resolve) => listening.once("listening", resolve));
      try {
        const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
        const before = (await get(`/api/licences/${licence.id}`)).body.remaining.value;
        const response = await http(base, "POST", "/api/batches", {
          key: farm.key,
          json: teaBatch({ brand: brand.id, quantity: { value: 1, unit: "KGM" } }),
        });
        expect(response.status, response.text).to.equal(503);
        expect(response.body.error.message).to.include("required certifications");
        expect((await get(`/api/licences/${licence.id}`)).body.remaining.value).to.equal(before);
      } finally {
        listening.close();
        dead.destroy();
      }
    });

    it("refuses claims under a suspended licence and accepts them again once reinstated", async () => {
      await post(owner.key, `/api/licences/${licence.id}/suspend`, { reason: "整改" });
      const refused = await register(farm, { brand: brand.id, quantity: { value: 1, unit: "KGM" } });
      expect(refused.status).to.equal(422);
      expect(refused.body.error.message).to.include("is suspended");
      await post(owner.key, `/api/licences/${licence.id}/reinstate`);
      expect(
        (await register(farm, { brand: brand.id, quantity: { value: 1, unit: "KGM" } })).status,
      ).to.equal(201);
    });

    it("never exceeds the quota under concurrent claims", async () => {
      const small = await createBrand(server, owner, { name: { zh: "安吉白茶 限量", en: "Anji limited" } });
      const quota = await license(server, owner, small.id, farm, { quota: { value: 100, unit: "KGM" } });
      const attempts = await Promise.all(
        Array.from({ length: 30 }, () =>
          register(farm, { brand: small.id, quantity: { value: 7, unit: "KGM" } }),
        ),
      );
      const statuses = attempts.map((response) => response.status);
      expect(statuses.filter((status) => status === 201)).to.have.length(14); // 14 × 7 = 98 ≤ 100
      expect(statuses.filter((status) => status === 422)).to.have.length(16);
      const after = (await get(`/api/licences/${quota.id}`)).body;
      expect(after.used.value).to.equal(98);
      expect(after.remaining.value).to.equal(2);
      const branded = (await get(`/api/batches?producer=${farm.id}&limit=500`, farm.key)).body.items.filter(
        (batch: { brandId?: string }) => batch.brandId === small.id,
      );
      expect(branded).to.have.length(14);
    });

    it("passes the brand to split children and to transformation outputs of branded inputs without new quota", async () => {
      const harvest = (await register(farm, { brand: brand.id, quantity: { value: 50, unit: "KGM" } })).body;
      const remainingBefore = (await get(`/api/licences/${licence.id}`)).body.remaining.value;
      const shipped = await post(farm.key, `/api/batches/${harvest.id}/transfers`, {
        to: factory.id,
        quantity: { value: 20, unit: "KGM" },
      });
      expect(shipped.status, shipped.text).to.equal(201);
      const childId = shipped.body.transfer.batchId;
      const child = (await get(`/api/batches/${childId}`, farm.key)).body;
      expect(child).to.include({ brand: "安吉白茶", brandId: brand.id, licenceId: licence.id });
      await post(factory.key, `/api/transfers/${shipped.body.transfer.id}/accept`);

      const made = await post(factory.key, "/api/transformations", {
        inputs: [{ batchId: childId, quantity: { value: 20, unit: "KGM" } }],
        outputs: [
          {
            product: { name: "安吉白茶 成品", category: "tea" },
            quantity: { value: 5, unit: "KGM" },
            brand: brand.id,
          },
        ],
      });
      expect(made.status, made.text).to.equal(201);
      expect(made.body.outputs[0]).to.include({ brandId: brand.id, licenceId: licence.id });
      expect((await get(`/api/licences/${licence.id}`)).body.remaining.value).to.equal(remainingBefore);
    });

    it("refuses branded outputs heavier than the branded inputs they come from, consuming nothing", async () => {
      const harvest = (await register(farm, { brand: brand.id, quantity: { value: 20, unit: "KGM" } })).body;
      const outputs = (value: number, unit = "KGM") => [
        { product: { name: "安吉白茶 成品", category: "tea" }, quantity: { value, unit }, brand: brand.id },
      ];
      const inputs = [{ batchId: harvest.id, quantity: { value: 20, unit: "KGM" } }];
      const inflated = await post(farm.key, "/api/transformations", { inputs, outputs: outputs(20.5) });
      expect(inflated.status).to.equal(422);
      expect(inflated.body.error.details.field).to.equal("body.outputs[0].quantity");
      expect(inflated.body.error.message).to.include("more than the 20 KGM of branded inputs consumed");
      const pieces = await post(farm.key, "/api/transformations", { inputs, outputs: outputs(80, "H87") });
      expect(pieces.status).to.equal(422);
      expect(pieces.body.error.details.field).to.equal("body.outputs[0].quantity.unit");
      expect((await get(`/api/batches/${harvest.id}`, farm.key)).body.available.value).to.equal(20);
    });

    it("refuses a transformation whose output claims a brand the processor is not licensed for, consuming nothing", async () => {
      const plain = await createBatch(server, farm);
      const shipped = await post(farm.key, `/api/batches/${plain.id}/transfers`, { to: factory.id });
      await post(factory.key, `/api/transfers/${shipped.body.transfer.id}/accept`);
      const made = await post(factory.key, "/api/transformations", {
        inputs: [{ batchId: plain.id, quantity: { value: 100, unit: "KGM" } }],
        outputs: [
          {
            product: { name: "安吉白茶 成品", category: "tea" },
            quantity: { value: 20, unit: "KGM" },
            brand: brand.id,
          },
        ],
      });
      expect(made.status).to.equal(422);
      expect(made.body.error.details.field).to.equal("body.outputs[0].brand");
      const input = (await get(`/api/batches/${plain.id}`, factory.key)).body;
      expect(input.available.value).to.equal(500);
    });
  });
});

describe("brand claims in bulk import", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let brandId: string;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    const owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    brandId = (await createBrand(server, owner, { requiredSchemes: [] })).id;
    await license(server, owner, brandId, farm, { quota: { value: 700, unit: "KGM" } });
  });
  after(() => server.close());

  const csv = (rows: [string, number][]) =>
    Buffer.from(
      [
        "type,lot,product,category,quantity,unit,place,region_code,harvested_at,brand",
        ...rows.map(([lot, kg]) => `batch,${lot},安吉白茶,tea,${kg},KGM,黄杜村,330523,2026-04-12,${brandId}`),
      ].join("\n"),
    );
  const upload = async (bytes: Buffer, query: string) => {
    const response = await fetch(`${server.baseUrl}/api/imports${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${farm.key}`, "content-type": "text/csv" },
      body: bytes,
    });
    type ImportAnswer = { valid: boolean; errors: { row: number; code: string; problem: string }[] };
    return { status: response.status, body: (await response.json()) as ImportAnswer };
  };

  it("refuses, before storing anything, the row whose claim would pass the quota with the rows before it", async () => {
    const rows: [string, number][] = [
      ["IMP-A", 400],
      ["IMP-B", 300],
      ["IMP-C", 1],
    ];
    const dry = await upload(csv(rows), "?dryRun=true");
    expect(dry.status, JSON.stringify(dry.body)).to.equal(200);
    expect(dry.body.valid).to.equal(false);
    expect(
      dry.body.errors.map((error: { row: number; code: string }) => [error.row, error.code]),
    ).to.deep.equal([[4, "BRAND_CLAIM_REFUSED"]]);
    expect(dry.body.errors[0].problem).to.include("0 KGM of its quota left");
    const real = await upload(csv(rows), "");
    expect(real.status).to.equal(422);
    const batches = await http(server.baseUrl, "GET", "/api/batches", { key: farm.key });
    expect(batches.body.items).to.have.length(0);

    const accepted = await upload(csv(rows.slice(0, 2)), "");
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(202);
  });
});
