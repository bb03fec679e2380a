import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { EXAMPLES_DIR, expectValidEpcis } from "./epcis-official-schema";

interface EpcisEventJson {
  type: string;
  eventID: string;
  bizStep?: string;
  action?: string;
  eventTime: string;
  quantityList?: { epcClass: string }[];
}

/**
 * Issue 18: the EPCIS 2.0 query interface under /epcis. One case per simple event query parameter
 * the standard defines (EPCIS 2.0 §8.2.7.1), each with events it must and must not return.
 */
describe("EPCIS 2.0 query interface (/epcis)", () => {
  let server: TestServer;
  let farm: TestOrg;
  let other: TestOrg;
  let auditor: TestOrg;
  let tea: { id: string; lot: string; digitalLink: string };
  let example: { id: string };
  let capturedEventId: string;
  let afterInspection: string;

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    other = await createOrg(server, "另一家合作社", ["producer"]);
    auditor = await createOrg(server, "市场监管局", ["auditor"]);
    tea = await createBatch(server, farm, { lot: "Q-TEA-1" });
    await createBatch(server, other, { lot: "Q-OTHER-1" });
    const inspect = await post(farm, `/api/batches/${tea.id}/events`, {
      type: "inspecting",
      eventTime: "2026-04-20T10:00:00+08:00",
      data: { lab: "浙江省茶叶质量检测中心" },
    });
    expect(inspect.status, inspect.text).to.equal(201);
    await new Promise((resolve) => setTimeout(resolve, 20));
    afterInspection = new Date().toISOString();
    const store = await post(farm, `/api/batches/${tea.id}/events`, {
      type: "storing",
      eventTime: "2026-04-25T10:00:00+08:00",
    });
    expect(store.status, store.text).to.equal(201);
    example = await createBatch(server, farm, {
      product: { name: "Example 04012345123456", category: "tea", gtin: "04012345123456" },
      lot: "998877",
    });
    const document = JSON.parse(
      fs.readFileSync(path.join(EXAMPLES_DIR, "Example_9.6.2-ObjectEvent.jsonld"), "utf8"),
    );
    capturedEventId = document.epcisBody.eventList[0].eventID;
    const captured = await post(farm, "/api/epcis/capture", document);
    expect(captured.status, captured.text).to.equal(201);
  });
  after(() => server?.close());

  function post(org: TestOrg, url: string, json: unknown) {
    return http(server.baseUrl, "POST", url, { key: org.key, json });
  }
  async function query(params: Record<string, string>, org: TestOrg = farm, url = "/epcis/events") {
    const response = await http(server.baseUrl, "GET", `${url}?${new URLSearchParams(params)}`, {
      key: org.key,
    });
    expect(response.status, response.text).to.equal(200);
    expectValidEpcis(response.body);
    return response.body.epcisBody.queryResults.resultsBody.eventList as EpcisEventJson[];
  }
  const steps = (events: EpcisEventJson[]) => events.map((event) => event.bizStep);

  it("answers every visible event with no parameter, and only the caller's (tenancy unchanged)", async () => {
    expect(steps(await query({}))).to.deep.equal([
      "commissioning",
      "inspecting",
      "storing",
      "commissioning",
      "receiving",
    ]);
    expect(steps(await query({}, other))).to.deep.equal(["commissioning"]);
    expect(await query({}, auditor)).to.have.length(6);
    const anonymous = await http(server.baseUrl, "GET", "/epcis/events");
    expect(anonymous.status).to.equal(401);
  });

  it("eventType", async () => {
    expect(
      (await query({ eventType: "ObjectEvent" })).every((event) => event.type === "ObjectEvent"),
    ).to.equal(true);
    expect(await query({ eventType: "TransformationEvent" })).to.deep.equal([]);
  });

  it("GE_eventTime and LT_eventTime", async () => {
    const window = await query({
      GE_eventTime: "2026-04-20T02:00:00Z",
      LT_eventTime: "2026-04-25T02:00:00Z",
    });
    expect(steps(window)).to.deep.equal(["inspecting"]);
  });

  it("GE_recordTime and LT_recordTime", async () => {
    expect(steps(await query({ GE_recordTime: afterInspection }))).to.deep.equal([
      "storing",
      "commissioning",
      "receiving",
    ]);
    expect(steps(await query({ LT_recordTime: afterInspection }))).to.deep.equal([
      "commissioning",
      "inspecting",
    ]);
  });

  it("EQ_action", async () => {
    expect(steps(await query({ EQ_action: "OBSERVE" }))).to.include.members(["inspecting", "receiving"]);
    expect(steps(await query({ EQ_action: "ADD" }))).to.deep.equal(["commissioning", "commissioning"]);
  });

  it("EQ_bizStep, as a CBV term, its URN or its URI, and as a list", async () => {
    for (const value of [
      "inspecting",
      "urn:epcglobal:cbv:bizstep:inspecting",
      "https://ref.gs1.org/cbv/BizStep-inspecting",
    ]) {
      expect(steps(await query({ EQ_bizStep: value })), value).to.deep.equal(["inspecting"]);
    }
    expect(steps(await query({ EQ_bizStep: "inspecting,storing" }))).to.deep.equal(["inspecting", "storing"]);
  });

  it("EQ_disposition", async () => {
    expect(steps(await query({ EQ_disposition: "sellable_not_accessible" }))).to.deep.equal(["storing"]);
  });

  it("EQ_readPoint, WD_readPoint, EQ_bizLocation, WD_bizLocation", async () => {
    expect(steps(await query({ EQ_readPoint: "urn:epc:id:sgln:0614141.00777.0" }))).to.deep.equal([
      "receiving",
    ]);
    expect(steps(await query({ WD_readPoint: "urn:epc:id:sgln:0614141.00777.0" }))).to.deep.equal([
      "receiving",
    ]);
    expect(steps(await query({ EQ_bizLocation: "urn:epc:id:sgln:0614141.00888.0" }))).to.deep.equal([
      "receiving",
    ]);
    expect(await query({ WD_bizLocation: "urn:epc:id:sgln:0614141.00999.0" })).to.deep.equal([]);
  });

  it("EQ_eventID, and GET /epcis/events/{eventID}", async () => {
    const [found] = await query({ EQ_eventID: capturedEventId });
    expect(found.eventID).to.equal(capturedEventId);
    const single = await http(server.baseUrl, "GET", `/epcis/events/${encodeURIComponent(capturedEventId)}`, {
      key: farm.key,
    });
    expect(single.status, single.text).to.equal(200);
    expect(single.body.epcisBody.queryResults.resultsBody.eventList[0].eventID).to.equal(capturedEventId);
    const hidden = await http(server.baseUrl, "GET", `/epcis/events/${encodeURIComponent(capturedEventId)}`, {
      key: other.key,
    });
    expect(hidden.status).to.equal(404);
  });

  it("MATCH_epcClass and MATCH_anyEPCClass: a lot in any of its forms, or a pattern", async () => {
    const forms = [
      "urn:epc:class:lgtin:4012345.012345.998877",
      "https://id.gs1.org/01/04012345123456/10/998877",
      "https://example.com/shop/01/4012345123456/10/998877",
    ];
    for (const value of forms) {
      expect(steps(await query({ MATCH_epcClass: value })), value).to.deep.equal([
        "commissioning",
        "receiving",
      ]);
      expect(steps(await query({ MATCH_anyEPCClass: value })), value).to.deep.equal([
        "commissioning",
        "receiving",
      ]);
    }
    expect(steps(await query({ MATCH_epcClass: "https://id.gs1.org/01/04012345123456/10/*" }))).to.deep.equal(
      ["commissioning", "receiving"],
    );
    expect(await query({ MATCH_epcClass: "urn:epc:class:lgtin:4012345.012345.NO-LOT" })).to.deep.equal([]);
  });

  it("MATCH_epc, MATCH_parentID, MATCH_inputEPC, MATCH_outputEPC, MATCH_anyEPC, MATCH_input/outputEPCClass", async () => {
    for (const name of ["MATCH_epc", "MATCH_parentID", "MATCH_inputEPC", "MATCH_outputEPC", "MATCH_anyEPC"]) {
      expect(await query({ [name]: "urn:epc:id:sgtin:4012345.012345.1" }), name).to.deep.equal([]);
    }
    for (const name of ["MATCH_inputEPCClass", "MATCH_outputEPCClass"]) {
      expect(await query({ [name]: "urn:epc:class:lgtin:4012345.012345.998877" }), name).to.deep.equal([]);
    }
  });

  it("EQ_transformationID", async () => {
    expect(await query({ EQ_transformationID: "urn:uuid:no-such-transformation" })).to.deep.equal([]);
  });

  it("perPage and nextPageToken walk every event once, with the next page in a Link header", async () => {
    const all = await query({}, auditor);
    const seen: string[] = [];
    let url = "/epcis/events?perPage=2";
    for (let pages = 0; url && pages < 10; pages++) {
      const response = await http(server.baseUrl, "GET", url, { key: auditor.key });
      expect(response.status, response.text).to.equal(200);
      const events = response.body.epcisBody.queryResults.resultsBody.eventList as EpcisEventJson[];
      expect(events.length).to.be.at.most(2);
      seen.push(...events.map((event) => event.eventID));
      const next = /<([^>]+)>; rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
      url = next ? next.slice(new URL(next).origin.length) : "";
    }
    expect(seen).to.deep.equal(all.map((event) => event.eventID));
  });

  it("refuses parameters it does not know or does not evaluate, naming each (QueryParameterException)", async () => {
    const response = await http(
      server.baseUrl,
      "GET",
      "/epcis/events?EQ_quantity=many&colour=red&eventType=Bogus&perPage=0&GE_eventTime=yesterday",
      { key: farm.key },
    );
    expect(response.status).to.equal(400);
    const fields = response.body.error.details.map((detail: { field: string }) => detail.field);
    expect(fields).to.have.members([
      "query.EQ_quantity",
      "query.colour",
      "query.eventType",
      "query.perPage",
      "query.GE_eventTime",
    ]);
    expect(response.body.error.message).to.include("QueryParameterException");
  });

  it("serves /eventTypes, /bizSteps and /epcs/{epc}/events", async () => {
    const types = await http(server.baseUrl, "GET", "/epcis/eventTypes", { key: farm.key });
    expect(types.body).to.include({ type: "Collection" });
    expect(types.body.member).to.include.members(["ObjectEvent", "AssociationEvent"]);
    expect(types.headers.get("gs1-epcis-version")).to.equal("2.0.0");
    expect(
      (await query({}, farm, "/epcis/eventTypes/ObjectEvent/events")).every(
        (event) => event.type === "ObjectEvent",
      ),
    ).to.equal(true);
    const bizSteps = await http(server.baseUrl, "GET", "/epcis/bizSteps", { key: farm.key });
    expect(bizSteps.body.member).to.include.members(["commissioning", "inspecting", "receiving"]);
    expect(steps(await query({}, farm, "/epcis/bizSteps/storing/events"))).to.deep.equal(["storing"]);
    const epc = encodeURIComponent("urn:epc:class:lgtin:4012345.012345.998877");
    expect(steps(await query({}, farm, `/epcis/epcs/${epc}/events`))).to.deep.equal([
      "commissioning",
      "receiving",
    ]);
    const teaLink = encodeURIComponent(tea.digitalLink);
    expect(
      steps(await query({ EQ_bizStep: "storing" }, farm, `/epcis/epcs/${teaLink}/events`)),
    ).to.deep.equal(["storing"]);
    expect(await query({}, other, `/epcis/epcs/${epc}/events`)).to.deep.equal([]);
    expect(example.id).to.be.a("string");
  });
});
