import { expect } from "chai";
import { RECORD_KEEPING_FIELDS } from "../../server/modules/epcis/domain/to-epcis";
import { LedgerHeadCache } from "../../server/modules/ledger/ledger-head-cache";
import { http } from "../helpers/http";
import { createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { expectValidEpcis } from "./epcis-official-schema";
import { buildEpcisScenario } from "./epcis-scenario";

type Json = Record<string, unknown>;

describe("EPCIS 2.0 round trip", () => {
  let env: TestEnv;
  let server: TestServer;
  before(async () => {
    env = await testEnv();
  });
  afterEach(() => server?.close());

  const exportAll = async (key: string) => {
    const response = await http(server.baseUrl, "GET", "/api/epcis/events?limit=500", { key });
    expect(response.status, response.text).to.equal(200);
    expectValidEpcis(response.body);
    expect(response.body["ecotrace:nextCursor"]).to.equal(null);
    return response.body.epcisBody.queryResults.resultsBody.eventList as Json[];
  };
  const withoutRecordKeeping = (events: Json[]) =>
    events.map((event) => {
      const copy = { ...event };
      for (const field of RECORD_KEEPING_FIELDS) delete copy[field];
      return copy;
    });

  const byEventId = (events: Json[]) =>
    [...events].sort((a, b) => String(a.eventID).localeCompare(String(b.eventID)));
  const batchOf = (event: Json) => {
    const list = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"].find(
      (key) => key in event,
    )!;
    return ((event[list] as Json[])[0] as Json).epcClass;
  };

  it("exports, captures into an empty service and exports again to the same events", async () => {
    await clearDatabase(env);
    server = await startTestServer(env);
    await buildEpcisScenario(server, "RT");
    const first = await exportAll(server.adminKey);
    expect(first.map((event) => event.type)).to.include.members([
      "ObjectEvent",
      "AggregationEvent",
      "TransactionEvent",
      "TransformationEvent",
    ]);
    await server.close();

    await clearDatabase(env);
    // A new, empty service: its batch-head cache must not remember the first service's batches
    // (batches without GTIN keep their id, which the first service used too).
    env.runtime.useCaseContext.heads = new LedgerHeadCache();
    server = await startTestServer(env);
    const importer = await createOrg(server, "EcoTrace B", ["producer", "processor"]);
    const document = {
      "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { ecotrace: "https://ecotrace.example/ns#" },
      ],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: new Date().toISOString(),
      epcisBody: { eventList: first },
    };
    expectValidEpcis(document);
    const captured = await http(server.baseUrl, "POST", "/api/epcis/capture", {
      key: importer.key,
      json: document,
    });
    expect(captured.status, captured.text.slice(0, 2000)).to.equal(201);
    expect(captured.body.recorded).to.equal(first.length);

    const second = await exportAll(server.adminKey);
    // The same events; events of different batches may be recorded in another order, those of
    // one batch keep their chain order.
    expect(byEventId(withoutRecordKeeping(second))).to.deep.equal(byEventId(withoutRecordKeeping(first)));
    for (const batch of new Set(first.map(batchOf))) {
      const order = (events: Json[]) =>
        events.filter((event) => batchOf(event) === batch).map((event) => event.eventID);
      expect(order(second)).to.deep.equal(order(first));
    }
    // The record-keeping is the new service's own: its hashes, chained on its batches.
    const hashes = new Set(first.map((event) => event["ecotrace:hash"]));
    expect(second.filter((event) => hashes.has(event["ecotrace:hash"]))).to.deep.equal([]);
    for (const event of second)
      expect(event["ecotrace:actor"]).to.equal(`${env.config.PUBLIC_BASE_URL}/api/orgs/${importer.id}`);
  });
});
