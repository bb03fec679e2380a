import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { createCertifier } from "../helpers/certification-scenario";
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
  });
});
