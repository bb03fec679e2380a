import { expect } from "chai";
import fc from "fast-check";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { http, type HttpResult } from "../helpers/http";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { startWorker, waitFor } from "../helpers/anchoring";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { anchorNow } from "../helpers/verification";

type Json = Record<string, unknown>;

/**
 * Stored form equals hashed form (decision 0017): whatever JSON a client sends on any write path,
 * every event the service stores hashes, from its stored and from its served body, to its stored
 * hash; a request that is refused is refused with a 4xx naming a field and stores nothing.
 */

/** Keys that have tripped JSON stores before, mixed with arbitrary strings. */
const oddKey = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "",
    "$where",
    "a.b",
    "nul\u0000key",
    "\uD800",
    "键",
    "👩‍👩‍👧",
    "1e21",
  ),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "grapheme", maxLength: 4 }),
);

const oddNumber = fc.oneof(
  fc.constantFrom(
    1e21,
    -0,
    5e-324,
    1.7976931348623157e308,
    2 ** 53 + 2,
    0.1 + 0.2,
    -1e-7,
    123456789012345680000,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const oddString = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 4 }),
  fc.constantFrom("\uD800", "a\u0000b", "\u2028\u2029", "$set", "é", "é"),
);

/** Arbitrary JSON objects with odd keys, odd numbers, unicode and nesting (within the API's depth limit). */
const oddObject: fc.Arbitrary<Json> = fc.object({
  key: oddKey,
  values: [oddNumber, oddString, fc.boolean(), fc.constant(null)],
  maxDepth: 4,
  maxKeys: 4,
});

const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);

describe("Stored form equals hashed form (property, every write path)", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let factory: TestOrg;
  let worker: AnchorWorker | undefined;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
  });
  after(async () => {
    await worker?.stop();
    await server.close();
  });

  const post = (org: TestOrg, path: string, json: unknown) =>
    http(server.baseUrl, "POST", path, { key: org.key, json });
  const outcomes = { stored: 0, refused: 0 };
  const eventCount = () => traceEventModel(env.runtime.connection).collection.countDocuments();

  const eventIds = async () =>
    new Set(
      (
        await traceEventModel(env.runtime.connection)
          .collection.find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((event) => event._id.toHexString()),
    );

  /** Every event the request stored rehashes from its stored body; the batches' served bodies too. */
  async function assertStoredEqualsHashed(known: Set<string>, batchIds: string[]): Promise<void> {
    const events = await traceEventModel(env.runtime.connection).collection.find({}).toArray();
    for (const event of events.filter((candidate) => !known.has(candidate._id.toHexString()))) {
      expect(computeEventHash(event.body), `stored event ${event._id} (${event.type})`).to.equal(event.hash);
    }
    for (const batchId of batchIds) {
      const served = await http(server.baseUrl, "GET", `/api/batches/${batchId}/events?limit=500`, {
        key: server.adminKey,
      });
      expect(served.status, served.text).to.equal(200);
      for (const item of served.body.items as { id: string; hash: string; body: Json }[]) {
        expect(computeEventHash(item.body), `served event ${item.id}`).to.equal(item.hash);
      }
    }
  }

  /** The request either stores what it hashes, or is refused with a 4xx naming a field and stores nothing. */
  async function check(
    send: () => Promise<HttpResult>,
    touched: (response: HttpResult) => string[] | Promise<string[]>,
  ): Promise<void> {
    const known = await eventIds();
    const response = await send();
    expect(response.status, response.text).to.be.below(500);
    outcomes[response.status >= 400 ? "refused" : "stored"] += 1;
    if (response.status >= 400) {
      expect(response.status, response.text).to.be.oneOf([400, 422]);
      expect(response.text, "the refusal names a field").to.match(/body|data|row/);
      expect(await eventCount(), "a refused request stores nothing").to.equal(known.size);
      return;
    }
    await assertStoredEqualsHashed(known, await touched(response));
  }

  it("REST single event: POST /api/batches/:id/events with arbitrary data", async () => {
    const batch = await createBatch(server, farm);
    await fc.assert(
      fc.asyncProperty(oddObject, async (data) => {
        await check(
          () =>
            post(farm, `/api/batches/${batch.id}/events`, {
              type: "inspecting",
              eventTime: "2026-04-13T08:00:00+08:00",
              data,
            }),
          () => [batch.id],
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("REST bulk events: POST /api/batches/:id/events/bulk with arbitrary data", async () => {
    const batch = await createBatch(server, farm);
    await fc.assert(
      fc.asyncProperty(fc.array(oddObject, { minLength: 1, maxLength: 3 }), async (datas) => {
        await check(
          () =>
            post(farm, `/api/batches/${batch.id}/events/bulk`, {
              events: datas.map((data) => ({
                type: "observation",
                eventTime: "2026-04-13T08:00:00+08:00",
                data,
              })),
            }),
          () => [batch.id],
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("batch creation: POST /api/batches with arbitrary names, places and eco-attributes", async () => {
    await fc.assert(
      fc.asyncProperty(oddString, oddString, oddObject, async (name, place, ecoAttributes) => {
        const base = teaBatch();
        await check(
          () =>
            post(farm, "/api/batches", {
              ...base,
              product: { ...base.product, name: `茶 ${name}` },
              origin: { ...base.origin, place: `园 ${place}` },
              ecoAttributes,
            }),
          (response) => [response.body.id],
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("transfers and transformations with arbitrary data", async () => {
    await fc.assert(
      fc.asyncProperty(oddObject, oddObject, async (transferData, transformationData) => {
        const batch = await createBatch(server, farm);
        await check(
          () =>
            post(farm, `/api/batches/${batch.id}/transfers`, {
              to: factory.id,
              quantity: { value: 100, unit: "KGM" },
              data: transferData,
            }),
          (response) => [batch.id, response.body.transfer.batchId],
        );
        const mine = await createBatch(server, farm);
        await check(
          () =>
            post(farm, "/api/transformations", {
              inputs: [{ batchId: mine.id, quantity: { value: 100, unit: "KGM" } }],
              outputs: [
                { product: { name: "白茶饼", category: "tea" }, quantity: { value: 20, unit: "KGM" } },
              ],
              data: transformationData,
            }),
          (response) => [mine.id, ...response.body.outputs.map((output: { id: string }) => output.id)],
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("spreadsheet import: a CSV data column holding arbitrary JSON", async () => {
    const batch = await createBatch(server, farm, { lot: "PROP-IMPORT" });
    let file = 0;
    await fc.assert(
      fc.asyncProperty(oddObject, async (data) => {
        file += 1;
        const cell = `"${JSON.stringify(data).replaceAll('"', '""')}"`;
        const csv = `type,lot,event_time,note,data\ninspecting,PROP-IMPORT,2026-04-13T08:00:00+08:00,run ${file},${cell}\n`;
        await check(
          () =>
            http(server.baseUrl, "POST", `/api/imports?name=prop-${file}.csv`, {
              key: farm.key,
              raw: csv,
              headers: { "content-type": "text/csv" },
            }),
          async (response) => {
            await waitFor("the import to finish", async () => {
              const job = await http(server.baseUrl, "GET", `/api/imports/${response.body.importId}`, {
                key: farm.key,
              });
              return job.body.state === "done" || job.body.state === "failed" ? job.body : null;
            });
            return [batch.id];
          },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("EPCIS capture: arbitrary extension fields and ecotrace:data", async () => {
    await createBatch(server, farm, { lot: "PROP-EPCIS" });
    await fc.assert(
      fc.asyncProperty(oddObject, oddObject, async (extension, data) => {
        await check(
          () =>
            capture(farm, [
              inspection("PROP-EPCIS", { "example:extension": extension, "ecotrace:data": data }),
            ]),
          (response) => response.body.events.map((event: { batchId: string }) => event.batchId),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("EPCIS capture into the observation log (decision 0031): arbitrary extension fields on an item no registry places", async () => {
    await fc.assert(
      fc.asyncProperty(oddObject, oddObject, async (extension, data) => {
        const item = {
          ...inspection("PROP-OBS", { "example:extension": extension, "ecotrace:data": data }),
          quantityList: undefined,
          epcList: ["urn:epc:id:sgtin:6901234.056789.1001"],
        };
        await check(
          () => capture(farm, [item]),
          (response) => {
            expect(response.body.events[0].observed, response.text).to.equal("not_a_batch");
            return [];
          },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("every event stored by the runs above still rehashes once anchored (the embedded engine rewrites it)", async () => {
    expect(outcomes.stored, "some requests were stored").to.be.above(0);
    expect(outcomes.refused, "some requests were refused").to.be.above(0);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    await anchorNow(server);
    const events = await traceEventModel(env.runtime.connection).collection.find({}).toArray();
    expect(events.length).to.be.above(RUNS);
    expect(
      events.every((event) => event.anchor),
      "every event is anchored",
    ).to.equal(true);
    for (const event of events) {
      expect(computeEventHash(event.body), `stored event ${event._id} (${event.type})`).to.equal(event.hash);
    }
  });

  const capture = (org: TestOrg, events: Json[]) =>
    http(server.baseUrl, "POST", "/api/epcis/capture", {
      key: org.key,
      raw: JSON.stringify({
        "@context": [
          "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
          { example: "https://ns.example.com/epcis/" },
        ],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: "2026-04-13T00:00:00Z",
        epcisBody: { eventList: events },
      }),
      headers: { "content-type": "application/ld+json" },
    });
});

/** An EPCIS inspection of one of our lots, as a certifier's lab would send it. */
function inspection(lot: string, extra: Json = {}): Json {
  return {
    type: "ObjectEvent",
    action: "OBSERVE",
    bizStep: "inspecting",
    eventTime: "2026-04-13T08:00:00+08:00",
    eventTimeZoneOffset: "+08:00",
    quantityList: [{ epcClass: `https://id.gs1.org/01/06901234567892/10/${lot}` }],
    ...extra,
  };
}

describe('Finding 8: an EPCIS extension {"__proto__": {}} cannot make a batch tampered', () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let certifier: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    certifier = await createOrg(server, "中绿华夏有机食品认证中心", ["certifier"]);
  });
  after(() => server.close());

  it("refuses the capture with a 400 naming the key's path and stores nothing", async () => {
    const batch = await createBatch(server, farm, { lot: "PROTO-1" });
    const events = traceEventModel(env.runtime.connection).collection;
    const before = await events.countDocuments();
    // Raw JSON: JSON.stringify of an object literal would drop the key before it left the test.
    const raw = JSON.stringify({
      "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { example: "https://ns.example.com/epcis/" },
      ],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: "2026-04-13T00:00:00Z",
      epcisBody: { eventList: [inspection("PROTO-1", { "example:lab": "PROTO_PLACEHOLDER" })] },
    }).replace('"PROTO_PLACEHOLDER"', '{"__proto__": {}}');
    const response = await http(server.baseUrl, "POST", "/api/epcis/capture", {
      key: certifier.key,
      raw,
      headers: { "content-type": "application/ld+json" },
    });
    expect(response.status, response.text).to.equal(400);
    expect(response.body.error.message).to.include("body.epcisBody.eventList[0].example:lab.__proto__");
    expect(await events.countDocuments()).to.equal(before);
    for (const event of await events.find({ batchId: { $exists: true } }).toArray()) {
      expect(computeEventHash(event.body)).to.equal(event.hash);
    }
    const verdict = await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`);
    expect(verdict.body.verdict).to.not.equal("tampered");
  });
});
