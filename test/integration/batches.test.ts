import { expect } from "chai";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { STALE_CLAIM_MS } from "../../server/platform/http/idempotency";
import { http } from "../helpers/http";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("batches API", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  let otherProducer: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    otherProducer = await createOrg(server, "五常大米合作社", ["producer"]);
  });
  after(() => server.close());

  const count = (collection: string) => env.runtime.connection.db!.collection(collection).countDocuments();

  describe("POST /api/batches", () => {
    it("registers a batch with its Digital Link and commissioning event", async () => {
      const response = await http(server.baseUrl, "POST", "/api/batches", {
        key: producer.key,
        json: teaBatch({ lot: "AJBC-2026-0412" }),
      });
      expect(response.status, response.text).to.equal(201);
      const batch = response.body;
      expect(batch.lot).to.equal("AJBC-2026-0412");
      expect(batch.product.gtin).to.equal("06901234567892");
      expect(batch.digitalLink).to.equal(`${env.config.PUBLIC_BASE_URL}/01/06901234567892/10/AJBC-2026-0412`);
      expect(batch.available).to.deep.equal({ value: 500, unit: "KGM" });
      expect(batch.holderId).to.equal(producer.id);
      expect(batch.status).to.equal("active");
      expect(batch.event.seq).to.equal(1);
      expect(batch.event.prevHash).to.equal(`0x${"0".repeat(64)}`);
      expect(batch.event.hash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("commissions the batch at the eventTime given (last season's harvest recorded now), else now", async () => {
      const backdated = await createBatch(server, producer, { eventTime: "2026-04-12T17:30:00+08:00" });
      const events = await http(server.baseUrl, "GET", `/api/batches/${backdated.id}/events`, {
        key: producer.key,
      });
      expect(events.body.items[0].body.eventTime).to.equal("2026-04-12T17:30:00+08:00");
      expect(events.body.items[0].body.recordTime).to.not.equal(events.body.items[0].body.eventTime);
      const invalid = await http(server.baseUrl, "POST", "/api/batches", {
        key: producer.key,
        json: teaBatch({ eventTime: "2026-04-12" }),
      });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details[0].field).to.equal("body.eventTime");
    });

    it("normalises a GTIN-13 to GTIN-14 and generates a lot when none is given", async () => {
      const batch = await createBatch(server, producer, {
        lot: undefined,
        product: { name: "Honey", category: "honey", gtin: "4006381333931" },
      });
      expect(batch.product.gtin).to.equal("04006381333931");
      expect(batch.lot).to.match(/^\d{8}-[0-9A-F]{8}$/);
    });

    it("uses a stable fallback link for batches without a GTIN", async () => {
      const batch = await createBatch(server, producer, {
        product: { name: "Forest mushrooms", category: "forest" },
      });
      expect(batch.digitalLink).to.equal(`${env.config.PUBLIC_BASE_URL}/b/${batch.publicId}`);
    });

    it("refuses a lot already used for the same product and producer, also under concurrency", async () => {
      const body = teaBatch({ lot: "DUP-LOT-1" });
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          http(server.baseUrl, "POST", "/api/batches", { key: producer.key, json: body }),
        ),
      );
      expect(responses.filter((response) => response.status === 201)).to.have.length(1);
      const conflicts = responses.filter((response) => response.status === 409);
      expect(conflicts).to.have.length(7);
      expect(conflicts[0].body.error.message).to.include("DUP-LOT-1");
      // Another producer may use the same lot name.
      await createBatch(server, otherProducer, { lot: "DUP-LOT-1" });
    });

    it("names every invalid field and stores nothing", async () => {
      const [batches, events] = [await count("batches"), await count("traceevents")];
      const response = await http(server.baseUrl, "POST", "/api/batches", {
        key: producer.key,
        json: teaBatch({
          product: { name: "Tea", category: "tea", gtin: "06901234567893" },
          origin: {
            place: "x",
            regionCode: "990000",
            location: { lat: 91, lon: 0 },
            harvestedAt: "yesterday",
          },
          quantity: { value: -1, unit: "kilo" },
          ecoAttributes: { $gt: 1, "a.b": 2, ok: Infinity },
          colour: "green",
        }),
      });
      expect(response.status).to.equal(400);
      const problems = Object.fromEntries(
        response.body.error.details.map((detail: { field: string; problem: string }) => [
          detail.field,
          detail.problem,
        ]),
      );
      expect(problems["body.product.gtin"]).to.equal("check digit must be 2, not 3");
      expect(problems["body.origin.regionCode"]).to.include("province");
      expect(problems["body.origin.location.lat"]).to.equal("must be at most 90");
      expect(problems).to.have.property("body.origin.harvestedAt");
      expect(problems["body.quantity.value"]).to.equal("must be greater than 0");
      expect(problems["body.quantity.unit"]).to.include("UN/CEFACT");
      expect(problems["body.ecoAttributes.$gt"]).to.include("must not start with $");
      expect(problems["body.ecoAttributes.a.b"]).to.include("must not start with $ or contain .");
      expect(problems["body.colour"]).to.equal("is not a known field");
      expect([await count("batches"), await count("traceevents")]).to.deep.equal([batches, events]);
    });

    it("is only for producers", async () => {
      const retailer = await createOrg(server, "Retailer", ["retailer"]);
      const response = await http(server.baseUrl, "POST", "/api/batches", {
        key: retailer.key,
        json: teaBatch(),
      });
      expect(response.status).to.equal(403);
    });
  });

  describe("GET /api/batches", () => {
    it("filters and pages with a cursor", async () => {
      const rice = { name: "五常大米", category: "rice" };
      const created = [];
      for (let index = 0; index < 5; index++)
        created.push(await createBatch(server, otherProducer, { product: rice }));
      const first = await http(server.baseUrl, "GET", "/api/batches?category=rice&limit=2", {
        key: otherProducer.key,
      });
      expect(first.status).to.equal(200);
      expect(first.body.items.map((batch: { id: string }) => batch.id)).to.deep.equal([
        created[0].id,
        created[1].id,
      ]);
      const second = await http(
        server.baseUrl,
        "GET",
        `/api/batches?category=rice&limit=2&cursor=${first.body.nextCursor}`,
        {
          key: otherProducer.key,
        },
      );
      expect(second.body.items.map((batch: { id: string }) => batch.id)).to.deep.equal([
        created[2].id,
        created[3].id,
      ]);
      const byLot = await http(server.baseUrl, "GET", `/api/batches?lot=${created[4].lot}`, {
        key: otherProducer.key,
      });
      expect(byLot.body.items.map((batch: { id: string }) => batch.id)).to.deep.equal([created[4].id]);
    });

    it("shows an organization only batches it produced or holds", async () => {
      const mine = await http(server.baseUrl, "GET", "/api/batches?limit=500", { key: producer.key });
      for (const batch of mine.body.items) expect(batch.producerId).to.equal(producer.id);
      const other = await createBatch(server, otherProducer);
      expect(
        (await http(server.baseUrl, "GET", `/api/batches/${other.id}`, { key: producer.key })).status,
      ).to.equal(404);
      expect(
        (await http(server.baseUrl, "GET", `/api/batches/${other.id}`, { key: server.adminKey })).status,
      ).to.equal(200);
    });

    it("filters by harvest date range and status, and rejects an unknown filter", async () => {
      const early = await createBatch(server, producer, {
        origin: { place: "p", regionCode: "330523", harvestedAt: "2025-03-01" },
      });
      const response = await http(
        server.baseUrl,
        "GET",
        "/api/batches?from=2025-01-01&to=2025-12-31&status=active",
        {
          key: producer.key,
        },
      );
      expect(response.body.items.map((batch: { id: string }) => batch.id)).to.deep.equal([early.id]);
      const unknown = await http(server.baseUrl, "GET", "/api/batches?colour=red", { key: producer.key });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.details[0].field).to.equal("query.colour");
    });
  });

  describe("POST /api/batches/:id/events", () => {
    it("appends hash-chained events whose hashes anyone can recompute from the body", async () => {
      const batch = await createBatch(server, producer);
      const inspection = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: {
          type: "inspecting",
          eventTime: "2026-04-13T08:00:00+08:00",
          data: {
            lab: "浙江省农产品质量检测中心",
            results: [{ name: "pesticide residue", value: 0, unit: "mg/kg", pass: true }],
          },
        },
      });
      expect(inspection.status, inspection.text).to.equal(201);
      expect(inspection.body).to.include({ seq: 2, prevHash: batch.event.hash });
      const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events`, {
        key: producer.key,
      });
      expect(events.body.items.map((event: { seq: number }) => event.seq)).to.deep.equal([1, 2]);
      for (const event of events.body.items) expect(computeEventHash(event.body)).to.equal(event.hash);
      const stored = events.body.items[1];
      expect(stored.body.disposition).to.equal("urn:epcglobal:cbv:disp:conformant");
      expect(stored.body.bizStep).to.equal("urn:epcglobal:cbv:bizstep:inspecting");
      expect(stored.body.salt).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("keeps one unbroken chain under many concurrent appends", async () => {
      const batch = await createBatch(server, producer);
      const appends = 40;
      const responses = await Promise.all(
        Array.from({ length: appends }, (_, index) =>
          http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
            key: producer.key,
            json: { type: "observation", eventTime: "2026-04-14T10:00:00Z", data: { reading: index } },
          }),
        ),
      );
      expect(responses.map((response) => response.status)).to.deep.equal(Array(appends).fill(201));
      const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events?limit=500`, {
        key: producer.key,
      });
      const chain = events.body.items;
      expect(chain.map((event: { seq: number }) => event.seq)).to.deep.equal(
        Array.from({ length: appends + 1 }, (_, index) => index + 1),
      );
      for (let index = 1; index < chain.length; index++)
        expect(chain[index].prevHash).to.equal(chain[index - 1].hash);
      const current = await http(server.baseUrl, "GET", `/api/batches/${batch.id}`, { key: producer.key });
      expect(current.body.head).to.deep.equal({ seq: appends + 1, hash: chain[appends].hash });
    });

    it("records a correction as a new event that references the corrected one", async () => {
      const batch = await createBatch(server, producer);
      const wrong = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: { type: "storing", eventTime: "2026-04-15T09:00:00+08:00", data: { warehouse: "A" } },
      });
      const fix = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: {
          type: "storing",
          eventTime: "2026-04-15T09:00:00+08:00",
          data: { warehouse: "B" },
          correctionOf: wrong.body.id,
        },
      });
      expect(fix.status).to.equal(201);
      const unknown = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: {
          type: "storing",
          eventTime: "2026-04-15T09:00:00+08:00",
          correctionOf: "0123456789abcdef01234567",
        },
      });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.error.details[0].field).to.equal("body.correctionOf");
    });

    it("lets only the holder or producer record, and only the producer recall", async () => {
      const batch = await createBatch(server, producer);
      const stranger = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: otherProducer.key,
        json: { type: "storing", eventTime: "2026-04-15T09:00:00Z" },
      });
      expect(stranger.status).to.equal(404);
      const certifier = await createOrg(server, "Lab", ["auditor"]);
      const lab = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: certifier.key,
        json: {
          type: "inspecting",
          eventTime: "2026-04-15T09:00:00Z",
          data: { results: [{ name: "Pb", pass: false }] },
        },
      });
      expect(lab.status).to.equal(201);
      const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events`, {
        key: producer.key,
      });
      expect(events.body.items[1].body.disposition).to.equal("urn:epcglobal:cbv:disp:non_conformant");
    });

    it("marks a recalled batch and refuses to sell it afterwards", async () => {
      const batch = await createBatch(server, producer);
      const recall = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: { type: "recalling", eventTime: "2026-05-01T00:00:00Z", data: { reason: "lead above limit" } },
      });
      expect(recall.status).to.equal(201);
      const current = await http(server.baseUrl, "GET", `/api/batches/${batch.id}`, { key: producer.key });
      expect(current.body.status).to.equal("recalled");
      const sale = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: { type: "selling", eventTime: "2026-05-02T00:00:00Z" },
      });
      expect(sale.status).to.equal(422);
      expect(sale.body.error.message).to.equal("a recalled batch does not accept selling events");
    });

    it("rejects invalid events with the field named and stores nothing", async () => {
      const batch = await createBatch(server, producer);
      const before = await count("traceevents");
      const response = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: { type: "teleporting", eventTime: "2026-04-15 09:00", data: { $set: { hash: "0x0" } } },
      });
      expect(response.status).to.equal(400);
      const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
      expect(fields).to.have.members(["body.type", "body.eventTime", "body.data.$set"]);
      expect(await count("traceevents")).to.equal(before);
      const commissioning = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        json: { type: "commissioning", eventTime: "2026-04-15T09:00:00Z" },
      });
      expect(commissioning.status).to.equal(400);
    });

    it("refuses strings that cannot be hashed (unpaired surrogates) with 400, not 500", async () => {
      const batch = await createBatch(server, producer);
      const response = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        raw: '{"type":"storing","eventTime":"2026-04-15T09:00:00Z","data":{"note":"bad \\ud800 text"}}',
      });
      expect(response.status).to.equal(400);
      expect(response.body.error.details[0]).to.deep.equal({
        field: "body.data.note",
        problem: "must not contain unpaired UTF-16 surrogates",
      });
    });

    it("answers 404 for an unknown batch", async () => {
      const response = await http(server.baseUrl, "POST", "/api/batches/0123456789abcdef01234567/events", {
        key: producer.key,
        json: { type: "storing", eventTime: "2026-04-15T09:00:00Z" },
      });
      expect(response.status).to.equal(404);
    });
  });

  describe("Idempotency-Key", () => {
    it("returns the original response to a retry and stores nothing twice", async () => {
      const batch = await createBatch(server, producer);
      const request = {
        key: producer.key,
        headers: { "idempotency-key": `retry-${batch.id}` },
        json: { type: "packing", eventTime: "2026-04-16T09:00:00Z", data: { bags: 1000 } },
      };
      const first = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, request);
      const again = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, request);
      expect(first.status).to.equal(201);
      expect(again.status).to.equal(201);
      expect(again.body).to.deep.equal(first.body);
      expect(again.headers.get("idempotent-replayed")).to.equal("true");
      const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events`, {
        key: producer.key,
      });
      expect(events.body.items).to.have.length(2);
    });

    it("holds under concurrent retries of a batch registration", async () => {
      const body = teaBatch();
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          http(server.baseUrl, "POST", "/api/batches", {
            key: producer.key,
            headers: { "idempotency-key": `register-${body.lot}` },
            json: body,
          }),
        ),
      );
      const created = responses.filter((response) => response.status === 201);
      expect(created.length).to.be.at.least(1);
      expect(new Set(created.map((response) => response.body.id)).size).to.equal(1);
      for (const response of responses.filter((response) => response.status !== 201)) {
        expect(response.status).to.equal(409);
      }
      const stored = await http(server.baseUrl, "GET", `/api/batches?lot=${body.lot}`, { key: producer.key });
      expect(stored.body.items).to.have.length(1);
    });

    it("lets a retry take over a key whose request never finished (its process died), once", async () => {
      const batch = await createBatch(server, producer);
      const key = `orphan-${batch.id}`;
      const request = {
        key: producer.key,
        headers: { "idempotency-key": key },
        json: { type: "storing", eventTime: "2026-04-16T09:00:00Z" },
      };
      const path = `/api/batches/${batch.id}/events`;
      const first = await http(server.baseUrl, "POST", path, request);
      expect(first.status).to.equal(201);
      // As a process killed mid-request leaves it: claimed, never finished.
      const records = env.runtime.connection.db!.collection("idempotencyrecords");
      const leftBehind = { state: "in_progress", status: null, body: null };
      await records.updateOne({ key }, { $set: { ...leftBehind, createdAt: new Date() } });
      const running = await http(server.baseUrl, "POST", path, request);
      expect(running.status).to.equal(409);
      expect(running.body.error.code).to.equal("IDEMPOTENCY_KEY_IN_PROGRESS");

      await records.updateOne({ key }, { $set: { createdAt: new Date(Date.now() - STALE_CLAIM_MS - 1000) } });
      const retries = await Promise.all([1, 2, 3].map(() => http(server.baseUrl, "POST", path, request)));
      const fresh = retries.filter((response) => !response.headers.get("idempotent-replayed"));
      const processed = fresh.filter((response) => response.status === 201);
      expect(processed, "exactly one retry takes the claim over").to.have.length(1);
      expect(
        fresh.filter((response) => response.status !== 201).map((response) => response.status),
      ).to.satisfy((statuses: number[]) => statuses.every((status) => status === 409));
      const replay = await http(server.baseUrl, "POST", path, request);
      expect(replay.headers.get("idempotent-replayed")).to.equal("true");
      expect(replay.body).to.deep.equal(processed[0].body);
      // The died request had stored its event (it cannot be known from the claim): the takeover
      // records it once more, as a retry with a new key would; never more than once.
      const events = await http(server.baseUrl, "GET", path, { key: producer.key });
      expect(events.body.items.map((event: { type: string }) => event.type)).to.deep.equal([
        "commissioning",
        "storing",
        "storing",
      ]);
    });

    it("refuses the same key for a different request", async () => {
      const batch = await createBatch(server, producer);
      const headers = { "idempotency-key": `reuse-${batch.id}` };
      const event = { type: "storing", eventTime: "2026-04-16T09:00:00Z" };
      await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        headers,
        json: event,
      });
      const different = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
        key: producer.key,
        headers,
        json: { ...event, data: { other: true } },
      });
      expect(different.status).to.equal(422);
      expect(different.body.error.code).to.equal("IDEMPOTENCY_KEY_REUSED");
    });
  });
});
