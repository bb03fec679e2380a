import { expect } from "chai";
import { http } from "../helpers/http";
import { createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

const CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"];
const observe = (index: number) => ({
  type: "ObjectEvent",
  action: "OBSERVE",
  bizStep: "inspecting",
  eventTime: "2026-04-12T10:00:00+08:00",
  eventTimeZoneOffset: "+08:00",
  epcList: [`https://id.gs1.org/01/06901234567892/21/S${index}`],
});
const documentOf = (events: unknown[]) => ({
  "@context": CONTEXT,
  type: "EPCISDocument",
  schemaVersion: "2.0",
  creationDate: "2026-04-13T00:00:00Z",
  epcisBody: { eventList: events },
});

/**
 * Issue 14, finding 4: a 30 MB capture held the event loop for 55 s. Captures are capped in size
 * (CAPTURE_MAX_MB) and events (CAPTURE_MAX_EVENTS), counted in the worker pool before the schema
 * check; over either, 413 naming the limit and nothing stored.
 */
describe("EPCIS capture limits (POST /api/epcis/capture)", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env, { CAPTURE_MAX_MB: 1, CAPTURE_MAX_EVENTS: 3 });
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
  });
  after(() => server.close());

  const capture = (body: string) =>
    http(server.baseUrl, "POST", "/api/epcis/capture", {
      key: farm.key,
      raw: body,
      headers: { "content-type": "application/ld+json" },
    });
  const stored = () => env.runtime.connection.db!.collection("epciscaptures").countDocuments();

  it("refuses more events than CAPTURE_MAX_EVENTS with 413 naming the limit", async () => {
    const response = await capture(JSON.stringify(documentOf([0, 1, 2, 3].map(observe))));
    expect(response.status, response.text).to.equal(413);
    expect(response.body.error.details).to.deep.equal({ limit: "CAPTURE_MAX_EVENTS", allowed: 3, actual: 4 });
    expect(await stored()).to.equal(0);
  });

  it("refuses a document larger than CAPTURE_MAX_MB with 413 naming the limit", async () => {
    const padded = { ...documentOf([observe(0)]), padding: "x".repeat(2 ** 20) };
    const response = await capture(JSON.stringify(padded));
    expect(response.status).to.equal(413);
    expect(response.body.error.details).to.include({ limit: "CAPTURE_MAX_MB", allowed: 1 });
    expect(await stored()).to.equal(0);
  });

  it("answers malformed JSON with 400, as the service-wide parser does", async () => {
    const response = await capture('{"type": "EPCISDocument",');
    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal("MALFORMED_JSON");
  });
});
