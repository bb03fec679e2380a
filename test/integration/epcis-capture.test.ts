import { expect } from "chai";
import { Types } from "mongoose";
import { ZERO_HASH, computeEventHash } from "../../server/modules/ledger";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { expectValidEpcis } from "./epcis-official-schema";

type Json = Record<string, unknown>;

const CONTEXT = [
  "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
  { ecotrace: "https://ecotrace.example/ns#" },
];
const GTIN = "06901234567892";
const TIME = { eventTime: "2026-04-13T08:00:00+08:00", eventTimeZoneOffset: "+08:00" };

const documentOf = (events: Json[], context: unknown = CONTEXT) => ({
  "@context": context,
  type: "EPCISDocument",
  schemaVersion: "2.0",
  creationDate: "2026-04-13T00:00:00Z",
  epcisBody: { eventList: events },
});
const epcClass = (lot: string, gtin = GTIN) => `https://id.gs1.org/01/${gtin}/10/${lot}`;
const harvest = (lot: string, quantity = 300, master: Json = {}): Json => ({
  type: "ObjectEvent",
  action: "ADD",
  bizStep: "commissioning",
  disposition: "active",
  ...TIME,
  quantityList: [{ epcClass: epcClass(lot), quantity, uom: "KGM" }],
  ilmd: {
    "ecotrace:batch": {
      product: { name: "安吉白茶", category: "tea" },
      lot,
      origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
      ...master,
    },
  },
});
const observe = (lot: string, bizStep: string, extra: Json = {}): Json => ({
  type: "ObjectEvent",
  action: "OBSERVE",
  bizStep,
  ...TIME,
  quantityList: [{ epcClass: epcClass(lot) }],
  ...extra,
});

describe("EPCIS 2.0 capture", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let otherFarm: TestOrg;
  let shop: TestOrg;
  let factory: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    otherFarm = await createOrg(server, "五常大米合作社", ["producer"]);
    shop = await createOrg(server, "杭州茶叶店", ["retailer"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
  });
  after(() => server.close());

  const capture = (org: TestOrg, document: unknown, headers: Record<string, string> = {}) =>
    http(server.baseUrl, "POST", "/api/epcis/capture", {
      key: org.key,
      raw: JSON.stringify(document),
      headers,
    });
  const get = (org: TestOrg, path: string) => http(server.baseUrl, "GET", path, { key: org.key });
  const count = (collection: string) => env.runtime.connection.db!.collection(collection).countDocuments();
  const reasonCodes = (response: {
    body: { error: { details: { events: { reasons: { code: string }[] }[] } } };
  }) => response.body.error.details.events.map((event) => event.reasons.map((reason) => reason.code));

  describe("POST /api/epcis/capture", () => {
    it("authenticates before reading a body (up to 32 MB): a caller without a valid key gets 401 unparsed", async () => {
      const junk = `{"not json${" ".repeat(2_000_000)}`;
      for (const key of [undefined, "et_unknown_" + "x".repeat(40)]) {
        const response = await fetch(`${server.baseUrl}/api/epcis/capture`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: junk,
        });
        expect(response.status).to.equal(401);
        expect(((await response.json()) as { error: { code: string } }).error.code).to.equal("UNAUTHORIZED");
      }
      const parsed = await http(server.baseUrl, "POST", "/api/epcis/capture", { key: farm.key, raw: junk });
      expect(parsed.status).to.equal(400);
    });

    it("creates the batch of a commissioning event and records the events on its hash chain", async () => {
      const response = await capture(
        farm,
        documentOf([
          harvest("CAP-1"),
          observe("CAP-1", "inspecting", {
            disposition: "conformant",
            eventID: "urn:uuid:7f0e2b1c-0000-4000-8000-000000000001",
          }),
          observe("CAP-1", "storing", { readPoint: { id: "geo:30.64,119.68" } }),
        ]),
        { "content-type": "application/ld+json" },
      );
      expect(response.status, response.text).to.equal(201);
      expect(response.body).to.include({ state: "accepted", replayed: false, eventCount: 3, recorded: 3 });
      const [created, inspected, stored] = response.body.events;
      expect(created).to.include({ index: 0, createdBatch: true, seq: 1 });
      expect(inspected).to.include({ index: 1, createdBatch: false, seq: 2, batchId: created.batchId });
      expect(stored.seq).to.equal(3);

      const batch = await get(farm, `/api/batches/${created.batchId}`);
      expect(batch.body).to.deep.include({
        lot: "CAP-1",
        quantity: { value: 300, unit: "KGM" },
        holderId: farm.id,
      });
      expect(batch.body.product).to.deep.equal({ name: "安吉白茶", category: "tea", gtin: GTIN });
      const chain = await get(farm, `/api/batches/${created.batchId}/events`);
      expect(chain.body.items.map((item: Json) => item.type)).to.deep.equal([
        "commissioning",
        "inspecting",
        "storing",
      ]);
      expect(chain.body.items.map((item: Json) => item.hash)).to.deep.equal(
        response.body.events.map((event: Json) => event.hash),
      );
      expect(chain.body.items[1].body.bizStep).to.equal("urn:epcglobal:cbv:bizstep:inspecting");
      expect(chain.body.items[2].body.location).to.deep.equal({
        readPoint: "geo:30.64,119.68",
        lat: 30.64,
        lon: 119.68,
      });
      expect(chain.body.items[1].prevHash).to.equal(chain.body.items[0].hash);

      const again = await get(farm, `/api/epcis/capture/${response.body.captureId}`);
      expect(again.status).to.equal(200);
      expect(again.body.events).to.deep.equal(response.body.events);
      expect((await get(otherFarm, `/api/epcis/capture/${response.body.captureId}`)).status).to.equal(404);
    });

    it("exports a captured event as it was captured, with its extensions and their @context", async () => {
      const sensor = {
        ...observe("CAP-2", "inspecting", { eventID: "urn:uuid:7f0e2b1c-0000-4000-8000-000000000002" }),
        sensorElementList: [{ sensorReport: [{ type: "Temperature", value: 4.5, uom: "CEL" }] }],
        "example:myField": { "example:nested": "value with a . dot" },
        "http://ns.example.com/epcis/full": 1,
      };
      const context = [...CONTEXT, { example: "http://ns.example.com/epcis/" }];
      const response = await capture(farm, documentOf([harvest("CAP-2"), sensor], context));
      expect(response.status, response.text).to.equal(201);
      const exported = await get(farm, `/api/batches/${response.body.events[0].batchId}/epcis`);
      expectValidEpcis(exported.body);
      const event = exported.body.epcisBody.eventList[1];
      const {
        recordTime,
        "ecotrace:seq": seq,
        "ecotrace:hash": hash,
        "ecotrace:prevHash": prev,
        "ecotrace:actor": actor,
        ...rest
      } = event;
      expect(rest).to.deep.equal({ "@context": { example: "http://ns.example.com/epcis/" }, ...sensor });
      expect([seq, hash, typeof prev, typeof actor, typeof recordTime]).to.deep.equal([
        2,
        response.body.events[1].hash,
        "string",
        "string",
        "string",
      ]);
    });

    it("accepts the whole document or nothing, listing every event that cannot be captured and why", async () => {
      const before = [await count("batches"), await count("traceevents"), await count("observationlogs")];
      const response = await capture(
        farm,
        documentOf([
          harvest("CAP-3"),
          observe("CAP-3", "storing"),
          { ...observe("CAP-3", "storing"), "ecotrace:data": "text" },
          {
            type: "AssociationEvent",
            action: "ADD",
            ...TIME,
            parentID: "urn:epc:id:grai:4012345.55555.987",
            childEPCs: ["urn:epc:id:giai:4000001.12345"],
          },
          { ...observe("CAP-3", "destroying"), action: "DELETE" },
          observe("CAP-3", "storing"),
        ]),
      );
      expect(response.status, response.text).to.equal(422);
      expect(response.body.error.code, response.text).to.equal("EPCIS_CAPTURE_REJECTED");
      expect(response.body.error.message, response.text).to.equal(
        "2 of 6 events cannot be captured; nothing was stored",
      );
      expect(response.body.error.details.events.map((event: Json) => event.index)).to.deep.equal([2, 5]);
      expect(reasonCodes(response)).to.deep.equal([["INVALID_ECOTRACE_FIELD"], ["BATCH_STATE"]]);
      expect([
        await count("batches"),
        await count("traceevents"),
        await count("observationlogs"),
      ]).to.deep.equal(before);
    });

    it("keeps what names no batch of the caller's in its observation log, hash-chained, with why", async () => {
      const response = await capture(
        farm,
        documentOf([
          harvest("OBS-1"),
          observe("NO-SUCH-LOT", "storing"),
          {
            ...observe("OBS-1", "shipping"),
            quantityList: undefined,
            epcList: ["urn:epc:id:sgtin:6901234.056789.1001"],
          },
          {
            ...observe("OBS-1", "shipping"),
            quantityList: undefined,
            epcList: [
              `https://id.gs1.org/01/${GTIN}/10/OBS-1/21/A7`,
              `https://id.gs1.org/01/${GTIN}/10/OBS-1/21/A8`,
            ],
          },
          {
            type: "AssociationEvent",
            action: "ADD",
            ...TIME,
            parentID: "urn:epc:id:grai:4012345.55555.987",
            childEPCs: ["urn:epc:id:giai:4000001.12345"],
          },
          {
            type: "ObjectEvent",
            action: "ADD",
            bizStep: "commissioning",
            ...TIME,
            readPoint: { id: "urn:epc:id:sgln:6901234.00001.0" },
            quantityList: [{ epcClass: epcClass("CBV-1"), quantity: 800, uom: "KGM" }],
            ilmd: {
              "cbvmda:countryOfOrigin": "CN",
              "cbvmda:harvestStartDate": "2026-04-10",
              "cbvmda:farmList": [
                { farmIdentification: "330523-07", farmIdentificationType: "urn:example:farm" },
              ],
            },
          },
          {
            ...observe("OBS-1", "inspecting"),
            quantityList: undefined,
            readPoint: { id: "urn:epc:id:sgln:6901234.00001.0" },
            sensorElementList: [{ sensorReport: [{ type: "Temperature", value: 4, uom: "CEL" }] }],
          },
        ]),
      );
      expect(response.status, response.text).to.equal(201);
      const results = response.body.events as Json[];
      expect(
        results.map((result) => result.observed ?? (result.createdBatch ? "new batch" : "batch event")),
      ).to.deep.equal([
        "new batch",
        "unknown_lot",
        "not_a_batch",
        "batch event",
        "association",
        "new batch",
        "no_object",
      ]);
      expect(results[3].batchId).to.equal(results[0].batchId);
      const items = await get(farm, `/api/batches/${results[0].batchId}/events`);
      expect(items.body.items[1].body.data.serials).to.deep.equal(["A7", "A8"]);
      const observations = results.filter((result) => result.observed);
      expect(observations.map((result) => result.batchId)).to.deep.equal(observations.map(() => farm.id));
      expect(observations.map((result) => result.seq)).to.deep.equal([1, 2, 3, 4]);
      // CBV master data makes a batch of what it states; the rest stays unstated, never invented.
      const [fromCbv] = (await get(farm, `/api/batches?lot=CBV-1`)).body.items as Json[];
      expect(fromCbv.product).to.deep.equal({ gtin: GTIN });
      expect(fromCbv.origin).to.deep.equal({ place: "330523-07", country: "CN", harvestedAt: "2026-04-10" });
      expect(fromCbv.notStated).to.deep.equal(["product.name", "product.category", "origin.regionCode"]);
      const stored = await env.runtime.connection
        .db!.collection("traceevents")
        .find({ subject: "observations", batchId: new Types.ObjectId(farm.id) })
        .sort({ seq: 1 })
        .toArray();
      expect(stored.map((event) => event.prevHash)).to.deep.equal([
        ZERO_HASH,
        ...stored.slice(0, -1).map((event) => event.hash),
      ]);
      for (const event of stored) expect(event.hash).to.equal(computeEventHash(event.body));
      const proof = await get(farm, `/api/events/${observations[0].eventId}/proof`);
      expect(proof.status, proof.text).to.be.oneOf([200, 409]);
      expect((await get(otherFarm, `/api/events/${observations[0].eventId}/proof`)).status).to.equal(404);
      expect((await get(otherFarm, `/api/epcis/events/${observations[0].eventId}`)).status).to.equal(404);
      const own = await get(farm, `/api/epcis/events/${observations[0].eventId}`);
      expect(own.body.epcisBody.queryResults.resultsBody.eventList[0].quantityList).to.deep.equal([
        { epcClass: epcClass("NO-SUCH-LOT") },
      ]);
    });

    it("records an error declaration as a correction of the event it declares", async () => {
      const eventID = "urn:uuid:7f0e2b1c-0000-4000-8000-0000000000e1";
      const original = await capture(
        farm,
        documentOf([harvest("DECL-1"), observe("DECL-1", "storing", { eventID })]),
      );
      expect(original.status, original.text).to.equal(201);
      const declaration = {
        ...observe("DECL-1", "storing", { eventID }),
        errorDeclaration: { declarationTime: "2026-04-14T00:00:00Z", reason: "incorrect_data" },
      };
      const corrected = await capture(farm, documentOf([declaration]));
      expect(corrected.status, corrected.text).to.equal(201);
      const [result] = corrected.body.events;
      expect(result.batchId).to.equal(original.body.events[1].batchId);
      const events = await get(farm, `/api/batches/${result.batchId}/events`);
      const stored = events.body.items.find((item: Json) => item.id === result.eventId);
      expect(stored.body.correctionOf).to.equal(original.body.events[1].eventId);
      const again = await capture(
        farm,
        documentOf(
          [{ ...declaration, "example:again": 1 }],
          [...CONTEXT, { example: "https://example.org/" }],
        ),
      );
      expect(reasonCodes(again)).to.deep.equal([["DUPLICATE_EVENT_ID"]]);
      const unknown = await capture(
        otherFarm,
        documentOf([{ ...declaration, eventID: "urn:uuid:never-captured" }]),
      );
      expect(unknown.body.events[0].observed).to.equal("error_declaration");
    });

    it("refuses a document that is not valid EPCIS 2.0 JSON, naming every problem", async () => {
      const bad = documentOf([{ ...harvest("CAP-4"), action: "CREATE", eventTimeZoneOffset: undefined }]);
      const response = await capture(farm, bad);
      expect(response.status).to.equal(400);
      const problems = response.body.error.details.map((item: Json) => `${item.field} ${item.problem}`);
      expect(problems).to.include("body.epcisBody.eventList.0 must have the field eventTimeZoneOffset");
      expect(problems).to.include(
        'body.epcisBody.eventList.0.action must be one of "OBSERVE", "ADD", "DELETE"',
      );
      const conflict = await capture(
        farm,
        documentOf([harvest("CAP-4")], [CONTEXT[0], { ecotrace: "https://other.example/ns#" }]),
      );
      expect(conflict.status).to.equal(422);
      expect(conflict.body.error.code).to.equal("CONTEXT_CONFLICT");
    });

    it("replays a document captured before and never records an eventID twice", async () => {
      const document = documentOf([
        harvest("CAP-5"),
        observe("CAP-5", "storing", { eventID: "urn:uuid:7f0e2b1c-0000-4000-8000-000000000005" }),
      ]);
      const first = await capture(farm, document);
      expect(first.status).to.equal(201);
      const events = await count("traceevents");
      const second = await capture(farm, document);
      expect(second.status).to.equal(200);
      expect(second.body).to.include({ captureId: first.body.captureId, replayed: true, state: "accepted" });
      expect(await count("traceevents")).to.equal(events);
      const reused = await capture(
        farm,
        documentOf([
          observe("CAP-5", "packing", { eventID: "urn:uuid:7f0e2b1c-0000-4000-8000-000000000005" }),
        ]),
      );
      expect(reused.status).to.equal(422);
      expect(reasonCodes(reused)).to.deep.equal([["DUPLICATE_EVENT_ID"]]);
      const twice = await capture(
        farm,
        documentOf([
          observe("CAP-5", "packing", { eventID: "urn:uuid:twice" }),
          observe("CAP-5", "storing", { eventID: "urn:uuid:twice" }),
        ]),
      );
      expect(reasonCodes(twice)).to.deep.equal([["DUPLICATE_EVENT_ID"]]);
      const exported = await get(farm, `/api/batches/${first.body.events[0].batchId}/epcis`);
      const own = exported.body.epcisBody.eventList[0].eventID;
      const ownAgain = await capture(farm, documentOf([observe("CAP-5", "packing", { eventID: own })]));
      expect(reasonCodes(ownAgain)).to.deep.equal([["DUPLICATE_EVENT_ID"]]);
    });

    it("applies the REST API's rules: roles, tenancy, batch states in document order, mass balance", async () => {
      const retailer = await capture(shop, documentOf([harvest("CAP-6")]));
      expect(reasonCodes(retailer)).to.deep.equal([["FORBIDDEN"]]);
      await createBatch(server, farm, { lot: "CAP-7" });
      const stranger = await capture(otherFarm, documentOf([observe("CAP-7", "storing")]));
      // Another organization's lot is no batch of the stranger's: its own observation, not the batch's event.
      expect(stranger.body.events[0]).to.include({ observed: "unknown_lot", batchId: otherFarm.id });
      const afterDestroy = await capture(
        farm,
        documentOf([{ ...observe("CAP-7", "destroying"), action: "DELETE" }, observe("CAP-7", "storing")]),
      );
      expect(reasonCodes(afterDestroy)).to.deep.equal([["BATCH_STATE"]]);
      const input = (quantity: number): Json => ({
        type: "TransformationEvent",
        bizStep: "commissioning",
        ...TIME,
        transformationID: "urn:uuid:process-1",
        inputQuantityList: [{ epcClass: epcClass("CAP-7"), quantity, uom: "KGM" }],
      });
      const tooMuch = await capture(farm, documentOf([input(300), input(300)]));
      expect(reasonCodes(tooMuch)).to.deep.equal([["MASS_BALANCE"]]);
      expect(tooMuch.body.error.details.events[0].reasons[0].message).to.equal(
        "requested 300 KGM but only 200 KGM is available",
      );
      expect((await get(farm, `/api/batches?lot=CAP-7`)).body.items[0].status).to.equal("active");
    });

    it("turns a transformation's input and output events into consumption and a linked batch", async () => {
      const leaves = await createBatch(server, farm, { lot: "CAP-8" });
      const offered = await http(server.baseUrl, "POST", `/api/batches/${leaves.id}/transfers`, {
        key: farm.key,
        json: { to: factory.id },
      });
      await http(server.baseUrl, "POST", `/api/transfers/${offered.body.transfer.id}/accept`, {
        key: factory.key,
        json: {},
      });
      const response = await capture(
        factory,
        documentOf([
          {
            type: "TransformationEvent",
            bizStep: "commissioning",
            ...TIME,
            transformationID: "urn:uuid:process-8",
            inputQuantityList: [{ epcClass: epcClass("CAP-8"), quantity: 400, uom: "KGM" }],
          },
          {
            type: "TransformationEvent",
            bizStep: "commissioning",
            ...TIME,
            transformationID: "urn:uuid:process-8",
            outputQuantityList: [{ epcClass: epcClass("TEA-8"), quantity: 90, uom: "KGM" }],
            ilmd: { "ecotrace:batch": { product: { name: "安吉白茶 成品", category: "tea" }, lot: "TEA-8" } },
          },
        ]),
      );
      expect(response.status, response.text).to.equal(201);
      const tea = await get(factory, `/api/batches/${response.body.events[1].batchId}`);
      expect(tea.body).to.deep.include({ lot: "TEA-8", producerId: factory.id, holderId: factory.id });
      expect(tea.body.origin.regionCode).to.equal("330523");
      expect(tea.body.inputs).to.deep.equal([
        { batchId: leaves.id, quantity: { value: 400, unit: "KGM" }, kind: "transformation" },
      ]);
      expect((await get(factory, `/api/batches/${leaves.id}`)).body.available.value).to.equal(100);
      const combined = await capture(
        factory,
        documentOf([
          {
            type: "TransformationEvent",
            ...TIME,
            bizStep: "commissioning",
            transformationID: "urn:uuid:process-9",
            inputQuantityList: [{ epcClass: epcClass("CAP-8"), quantity: 1, uom: "KGM" }],
            outputQuantityList: [{ epcClass: epcClass("TEA-9"), quantity: 1, uom: "KGM" }],
          },
        ]),
      );
      expect(combined.body.events[0].observed).to.equal("several_batches");
    });

    it("reads our extension fields under any prefix the document binds to our namespace", async () => {
      const event = harvest("CAP-10");
      const ilmd = { "et:batch": (event.ilmd as Json)["ecotrace:batch"] };
      const response = await capture(
        farm,
        documentOf([{ ...event, ilmd }], [CONTEXT[0], { et: "https://ecotrace.example/ns#" }]),
      );
      expect(response.status, response.text).to.equal(201);
      const exported = await get(farm, `/api/batches/${response.body.events[0].batchId}/epcis`);
      expect(exported.body.epcisBody.eventList[0].ilmd).to.have.key("ecotrace:batch");
    });

    it("refuses master data that asks for sealed fields, which a verbatim EPCIS event would reveal", async () => {
      const response = await capture(
        farm,
        documentOf([harvest("CAP-13", 300, { private: ["/data/quantity"] })]),
      );
      expect(reasonCodes(response)).to.deep.equal([["INVALID_BATCH_MASTER_DATA"]]);
      const invalid = await capture(
        farm,
        documentOf([
          harvest("CAP-13", 300, { origin: { place: "x", regionCode: "999999", harvestedAt: "2026-04-12" } }),
        ]),
      );
      expect(reasonCodes(invalid)).to.deep.equal([["INVALID_BATCH_MASTER_DATA"]]);
      expect(invalid.body.error.details.events[0].reasons[0].message).to.match(
        /^ilmd\["ecotrace:batch"\]\.origin\.regionCode /,
      );
    });

    it("resumes an interrupted capture without recording any event twice", async () => {
      const document = documentOf([
        harvest("CAP-11"),
        observe("CAP-11", "storing"),
        observe("CAP-11", "packing"),
      ]);
      const first = await capture(farm, document);
      expect(first.status).to.equal(201);
      const db = env.runtime.connection.db!;
      const batchId = first.body.events[0].batchId;
      const last = first.body.events[2].eventId;
      // What a writer that died leaves behind: its record mid-way, the last event committed to the
      // batch head but not inserted.
      await db
        .collection("traceevents")
        .deleteOne({ _id: new (await import("mongoose")).Types.ObjectId(last) });
      await db
        .collection("epciscaptures")
        .updateOne(
          { _id: new (await import("mongoose")).Types.ObjectId(first.body.captureId) },
          { $set: { state: "writing", written: 1, results: [], heartbeatAtMs: Date.now() } },
        );
      const busy = await capture(farm, document);
      expect(busy.status).to.equal(409);
      await db
        .collection("epciscaptures")
        .updateOne(
          { _id: new (await import("mongoose")).Types.ObjectId(first.body.captureId) },
          { $set: { heartbeatAtMs: Date.now() - 60_000 } },
        );
      const resumed = await capture(farm, document);
      expect(resumed.status, resumed.text).to.equal(201);
      expect(resumed.body.captureId).to.equal(first.body.captureId);
      expect(resumed.body.events).to.deep.equal(first.body.events.slice(1));
      const chain = await get(farm, `/api/batches/${batchId}/events`);
      expect(chain.body.items.map((item: Json) => item.id)).to.deep.equal(
        first.body.events.map((event: Json) => event.eventId),
      );
    });

    it("captures thousands of events in one ld+json document larger than BODY_LIMIT", async () => {
      const events = [harvest("CAP-12", 5000)];
      for (let index = 0; index < 2_500; index++) {
        events.push(
          observe("CAP-12", "inspecting", {
            eventID: `urn:uuid:00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
            "ecotrace:data": { reading: index, note: "x".repeat(200) },
          }),
        );
      }
      const body = JSON.stringify(documentOf(events));
      expect(body.length).to.be.greaterThan(1024 * 1024);
      const response = await http(server.baseUrl, "POST", "/api/epcis/capture", {
        key: farm.key,
        raw: body,
        headers: { "content-type": "application/ld+json" },
      });
      expect(response.status, response.text.slice(0, 500)).to.equal(201);
      expect(response.body.recorded).to.equal(2_501);
      const batch = await get(farm, `/api/batches/${response.body.events[0].batchId}`);
      expect(batch.body.head.seq).to.equal(2_501);
    });
  });
});
