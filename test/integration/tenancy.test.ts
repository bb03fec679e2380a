import { expect } from "chai";
import { Types } from "mongoose";
import { backfillPublicIds } from "../../server/modules/batches";
import { http } from "../helpers/http";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { createCertifier, signStatusChange } from "../helpers/certification-scenario";
import { certifyProducer } from "../helpers/brand-scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

const UNKNOWN_BATCH = "0123456789abcdef01234567";

describe("tenancy (issue 14, findings 3 and 7)", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let factory: TestOrg;
  let stranger: TestOrg;
  let sealedBatch: { id: string; event: { id: string } };
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "溪龙茶叶合作社", ["producer"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
    stranger = await createOrg(server, "五常大米合作社", ["producer"]);
    sealedBatch = await createBatch(server, farm, { private: ["/data/origin/location", "/data/quantity"] });
    const offered = await post(farm, `/api/batches/${sealedBatch.id}/transfers`, { to: factory.id });
    expect(offered.status, offered.text).to.equal(201);
    const accepted = await post(factory, `/api/transfers/${offered.body.transfer.id}/accept`, {});
    expect(accepted.status, accepted.text).to.equal(200);
  });
  after(() => server.close());

  const post = (org: TestOrg, path: string, json: unknown) =>
    http(server.baseUrl, "POST", path, { key: org.key, json });
  const get = (org: TestOrg, path: string) => http(server.baseUrl, "GET", path, { key: org.key });
  const openings = () => env.runtime.connection.db!.collection("sealedfields").countDocuments();
  const inspection = (extra: Record<string, unknown> = {}) => ({
    type: "inspecting",
    eventTime: "2026-04-20T09:00:00+08:00",
    data: { results: [{ name: "水分", value: 5.8, unit: "%", pass: true }], price: 12 },
    private: ["/data/price"],
    ...extra,
  });

  describe("sealed fields in batch views", () => {
    it("shows the downstream holder the markers of the sealed origin location and quantity, not the values", async () => {
      const view = await get(factory, `/api/batches/${sealedBatch.id}`);
      expect(view.status, view.text).to.equal(200);
      expect(view.body.origin.location).to.have.all.keys("@commitment");
      expect(view.body.quantity).to.have.all.keys("@commitment");
      const list = await get(factory, "/api/batches");
      const listed = list.body.items.find((item: { id: string }) => item.id === sealedBatch.id);
      expect(listed.origin.location).to.have.all.keys("@commitment");
      expect(JSON.stringify(list.body)).not.to.include("30.64");
    });

    it("keeps an input's sealed origin from the processor that records a transformation's output", async () => {
      const made = await post(factory, "/api/transformations", {
        inputs: [{ batchId: sealedBatch.id, quantity: { value: 100, unit: "KGM" } }],
        outputs: [
          { product: { name: "安吉白茶 成品", category: "tea" }, quantity: { value: 25, unit: "KGM" } },
        ],
      });
      expect(made.status, made.text).to.equal(201);
      const output = made.body.outputs[0].id as string;
      const asProcessor = await get(factory, `/api/batches/${output}`);
      expect(asProcessor.status, asProcessor.text).to.equal(200);
      expect(asProcessor.body.origin.location).to.have.all.keys("@commitment");
      expect(JSON.stringify(asProcessor.body)).not.to.include("30.64");
      const bundle = await get(factory, `/api/batches/${output}/proof-bundle/full`);
      expect(bundle.status, bundle.text).to.equal(200);
      expect(JSON.stringify(bundle.body.openings ?? [])).not.to.include("30.64");
      // The input's producer still opens it: the opening stayed with whoever sealed it.
      const sealer = await env.runtime.connection
        .db!.collection("sealedfields")
        .find({ batchId: new Types.ObjectId(output) })
        .toArray();
      expect(sealer.map((opening) => opening.actorId.toHexString())).to.deep.equal([farm.id]);
    });

    it("shows the producer its own values", async () => {
      const view = await get(farm, `/api/batches/${sealedBatch.id}`);
      expect(view.body.origin.location).to.deep.equal({ lat: 30.64, lon: 119.68 });
      expect(view.body.quantity).to.deep.equal({ value: 500, unit: "KGM" });
    });
  });

  describe("another organization's batch answers as an unknown one", () => {
    it("GET /api/batches/:id: the same 404 for another tenant's batch and for no batch", async () => {
      const theirs = await get(stranger, `/api/batches/${sealedBatch.id}`);
      const none = await get(stranger, `/api/batches/${UNKNOWN_BATCH}`);
      expect([theirs.status, none.status]).to.deep.equal([404, 404]);
      expect(theirs.body.error.code).to.equal(none.body.error.code);
    });

    it("POST …/events with a correction of another tenant's event: 404 like an unknown batch, not 422", async () => {
      const own = await createBatch(server, stranger);
      const response = await post(stranger, `/api/batches/${own.id}/events`, inspection());
      expect(response.status, response.text).to.equal(201);
      const probe = await post(
        stranger,
        `/api/batches/${sealedBatch.id}/events`,
        inspection({ correctionOf: sealedBatch.event.id }),
      );
      expect(probe.status, probe.text).to.equal(404);
    });
  });

  describe("rejected event posts store no opening", () => {
    it("refused for a stranger (404), a forbidden type (403), a bad pointer (422) and a bad correction (422)", async () => {
      const before = await openings();
      const refusals = [
        await post(stranger, `/api/batches/${sealedBatch.id}/events`, inspection()),
        await post(factory, `/api/batches/${sealedBatch.id}/events`, inspection({ type: "recalling" })),
        await post(
          factory,
          `/api/batches/${sealedBatch.id}/events`,
          inspection({ private: ["/data/price", "/data/nothing"] }),
        ),
        await post(
          factory,
          `/api/batches/${sealedBatch.id}/events`,
          inspection({ correctionOf: UNKNOWN_BATCH }),
        ),
        await post(factory, `/api/batches/${sealedBatch.id}/events/bulk`, {
          events: [inspection(), inspection({ type: "recalling" })],
        }),
      ];
      expect(refusals.map((response) => response.status)).to.deep.equal([404, 403, 422, 422, 403]);
      expect(await openings()).to.equal(before);
    });
  });

  describe("inspection mandates (decision 0020)", () => {
    it("refuses an inspection from a certifier without a certification for the batch or its producer", async () => {
      const certifier = await createCertifier(server, "无关认证机构");
      const response = await post(certifier, `/api/batches/${sealedBatch.id}/events`, {
        ...inspection(),
        private: undefined,
      });
      expect(response.status, response.text).to.equal(404);
    });

    it("accepts one from the certifier of the batch's producer", async () => {
      const certifier = await createCertifier(server, "中绿华夏有机认证中心");
      await certifyProducer(server, certifier, farm);
      const response = await post(certifier, `/api/batches/${sealedBatch.id}/events`, {
        ...inspection(),
        private: undefined,
      });
      expect(response.status, response.text).to.equal(201);
    });

    for (const status of ["suspended", "revoked"] as const) {
      it(`refuses one from a certifier whose certification of the producer is ${status} on chain`, async () => {
        const certifier = await createCertifier(server, `${status}认证机构`);
        const certification = await certifyProducer(server, certifier, farm);
        const change = await signStatusChange(server, certifier, certification.id, status, "抽检不合格");
        const relayed = await http(server.baseUrl, "POST", change.relayPath, {
          key: certifier.key,
          json: change.body,
        });
        expect(relayed.status, relayed.text).to.equal(201);
        const before = await openings();
        const response = await post(certifier, `/api/batches/${sealedBatch.id}/events`, inspection());
        expect(response.status, response.text).to.equal(404);
        expect(await openings(), "nothing stored by the refusal").to.equal(before);
      });
    }
  });

  describe("input plausibility (finding 7)", () => {
    it("refuses NUL and U+202E in names and places, naming the field", async () => {
      const cases: [string, string, unknown, string][] = [
        [server.adminKey, "/api/orgs", { name: "合作社\u0000", roles: ["producer"] }, "body.name"],
        [server.adminKey, "/api/orgs", { name: "\u202Egnp.exe", roles: ["producer"] }, "body.name"],
        [
          farm.key,
          "/api/batches",
          teaBatchWith({ product: { name: "安吉\u202E白茶", category: "tea" } }),
          "body.product.name",
        ],
        [
          farm.key,
          "/api/batches",
          teaBatchWith({ ecoAttributes: { note: "a\u0000b" } }),
          "body.ecoAttributes.note",
        ],
      ];
      for (const [key, path, json, field] of cases) {
        const response = await http(server.baseUrl, "POST", path, { key, json });
        expect(response.status, response.text).to.equal(400);
        expect(response.body.error.details[0].field).to.equal(field);
      }
    });

    it("refuses years 0000 and 9999 as harvest and event times, naming the field", async () => {
      const harvest = await post(farm, "/api/batches", teaBatchWith({ harvestedAt: "9999-04-12" }));
      expect(harvest.status, harvest.text).to.equal(400);
      expect(harvest.body.error.details[0].field).to.equal("body.origin.harvestedAt");
      const own = await createBatch(server, farm);
      for (const eventTime of ["0000-01-01T00:00:00Z", "9999-12-31T00:00:00Z"]) {
        const response = await post(farm, `/api/batches/${own.id}/events`, { type: "storing", eventTime });
        expect(response.status, response.text).to.equal(400);
        expect(response.body.error.details[0].field).to.equal("body.eventTime");
      }
    });

    it("takes the plausibility window from the configuration", async () => {
      const widened = await startTestServer(env, {
        EARLIEST_RECORDED_TIME: "2000-01-01T00:00:00Z",
        EVENT_TIME_MAX_FUTURE_DAYS: 10,
        HARVEST_MAX_FUTURE_DAYS: 0,
      });
      try {
        const post = (path: string, json: unknown) =>
          http(widened.baseUrl, "POST", path, { key: farm.key, json });
        const own = await createBatch(widened, farm);
        const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
        const ahead = await post(`/api/batches/${own.id}/events`, { type: "storing", eventTime: inDays(5) });
        expect(ahead.status, "5 days ahead, 10 allowed").to.equal(201);
        const old = await post(`/api/batches/${own.id}/events`, {
          type: "storing",
          eventTime: "1999-12-31T00:00:00Z",
        });
        expect(old.status, old.text).to.equal(400);
        expect(old.body.error.details[0]).to.include({ field: "body.eventTime" });
        expect(old.text).to.contain("must not be before 2000-01-01T00:00:00Z");
        const tomorrow = await post("/api/batches", teaBatchWith({ harvestedAt: inDays(1).slice(0, 10) }));
        expect(tomorrow.status, "a harvest tomorrow, 0 days allowed").to.equal(400);
        expect(tomorrow.body.error.details[0].field).to.equal("body.origin.harvestedAt");
      } finally {
        await widened.close();
        await startTestServer(env).then((restored) => restored.close()); // the default window again
      }
    });

    it("refuses a body on a POST that takes none", async () => {
      const response = await post(farm, `/api/orgs/${farm.id}/keys`, { role: "admin" });
      expect(response.status, response.text).to.equal(400);
      expect(response.body.error.details[0].field).to.equal("body.role");
    });
  });
});

describe("public identifiers (issue 14, finding 5)", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let batch: { id: string; publicId: string; digitalLink: string };
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "溪龙茶叶合作社", ["producer"]);
    batch = await createBatch(server, farm, { product: { name: "高山蜂蜜", category: "honey" } });
  });
  after(() => server.close());

  const status = async (path: string) => (await http(server.baseUrl, "GET", path)).status;
  const publicPaths = (id: string) => [
    `/b/${id}`,
    `/api/verify/${id}`,
    `/api/batches/${id}/proof-bundle`,
    `/api/batches/${id}/qr.png`,
  ];

  it("gives each batch a random 128-bit public id, and its /b/ link uses it", () => {
    expect(batch.publicId).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(batch.digitalLink).to.equal(`${env.config.PUBLIC_BASE_URL}/b/${batch.publicId}`);
  });

  it("answers unauthenticated routes by public id and refuses ObjectIds there", async () => {
    for (const path of publicPaths(batch.publicId)) expect(await status(path), path).to.equal(200);
    for (const path of publicPaths(batch.id)) expect(await status(path), path).to.equal(400);
  });

  it("gives batches stored without a public id one at start-up, once", async () => {
    const batches = env.runtime.connection.db!.collection("batches");
    await batches.updateOne({ _id: new Types.ObjectId(batch.id) }, { $unset: { publicId: "" } });
    expect(await backfillPublicIds(env.runtime.useCaseContext)).to.equal(1);
    expect(await backfillPublicIds(env.runtime.useCaseContext)).to.equal(0);
    const stored = await batches.findOne({ _id: new Types.ObjectId(batch.id) });
    expect(stored!.publicId).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(await status(`/api/verify/${stored!.publicId}`)).to.equal(200);
  });
});

function teaBatchWith(overrides: { harvestedAt?: string } & Record<string, unknown>) {
  const { harvestedAt, ...rest } = overrides;
  const batch = teaBatch(rest);
  return harvestedAt ? { ...batch, origin: { ...batch.origin, harvestedAt } } : batch;
}
