import { expect } from "chai";
import { http } from "../helpers/http";
import { createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { expectValidEpcis } from "./epcis-official-schema";
import { buildEpcisScenario, type EpcisScenario } from "./epcis-scenario";

type Json = Record<string, unknown>;

describe("EPCIS 2.0 export", () => {
  let env: TestEnv;
  let server: TestServer;
  let scenario: EpcisScenario;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    scenario = await buildEpcisScenario(server, "X");
  });
  after(() => server.close());

  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });
  const history = async (batch: string, key = scenario.farm.key) => {
    const response = await get(key, `/api/batches/${batch}/epcis`);
    expect(response.status, response.text).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^application\/ld\+json/);
    expectValidEpcis(response.body);
    return response.body.epcisBody.eventList as Json[];
  };
  const summary = (events: Json[]) =>
    events.map((event) => [
      event.type,
      event.action ?? null,
      event.bizStep,
      event.disposition ?? null,
      event["ecotrace:type"],
    ]);

  describe("GET /api/batches/:id/epcis", () => {
    it("maps each of our event types onto an EPCIS event type, action, bizStep and disposition", async () => {
      expect(summary(await history(scenario.leaves))).to.deep.equal([
        ["ObjectEvent", "ADD", "commissioning", "active", "commissioning"],
        ["ObjectEvent", "OBSERVE", "inspecting", "conformant", "inspecting"],
        ["ObjectEvent", "OBSERVE", "storing", "sellable_not_accessible", "storing"],
        ["AggregationEvent", "ADD", "packing", "in_progress", "packing"],
        [
          "TransformationEvent",
          null,
          "https://ecotrace.example/voc/bizstep-transforming",
          "in_progress",
          "transforming",
        ],
        ["TransactionEvent", "ADD", "shipping", "in_transit", "shipping"],
        ["TransactionEvent", "DELETE", "receiving", "returned", "receiving"],
        ["ObjectEvent", "OBSERVE", "https://ecotrace.example/voc/bizstep-harvesting", null, "observation"],
        ["ObjectEvent", "OBSERVE", "inspecting", null, "observation"],
        ["ObjectEvent", "OBSERVE", "holding", "recalled", "recalling"],
      ]);
      expect(summary(await history(scenario.child, scenario.factory.key))).to.deep.equal([
        ["TransformationEvent", null, "commissioning", "active", "commissioning"],
        ["TransactionEvent", "ADD", "shipping", "in_transit", "shipping"],
        ["TransactionEvent", "OBSERVE", "receiving", "in_progress", "receiving"],
        [
          "TransformationEvent",
          null,
          "https://ecotrace.example/voc/bizstep-transforming",
          "in_progress",
          "transforming",
        ],
      ]);
      expect(summary(await history(scenario.tea, scenario.factory.key))).to.deep.equal([
        ["TransformationEvent", null, "commissioning", "active", "commissioning"],
        ["ObjectEvent", "OBSERVE", "retail_selling", "retail_sold", "selling"],
      ]);
      expect(summary(await history(scenario.honey))).to.deep.equal([
        ["ObjectEvent", "ADD", "commissioning", "active", "commissioning"],
        ["ObjectEvent", "DELETE", "destroying", "destroyed", "destroying"],
      ]);
    });

    it("names batches by their GS1 Digital Link on id.gs1.org, and batches without GTIN by our link", async () => {
      const [commissioning, inspecting] = await history(scenario.leaves);
      const epcClass = "https://id.gs1.org/01/06901234567892/10/LEAF-X";
      expect(commissioning.quantityList).to.deep.equal([{ epcClass, quantity: 500, uom: "KGM" }]);
      expect(inspecting.quantityList).to.deep.equal([{ epcClass }]);
      const [honey] = await history(scenario.honey);
      expect((honey.quantityList as Json[])[0].epcClass).to.equal(
        `${env.config.PUBLIC_BASE_URL}/b/${scenario.honey}`,
      );
    });

    it("carries the batch master data, origin, location, sensor readings and transfer parties", async () => {
      const events = await history(scenario.leaves);
      const [commissioning, inspecting, , packing, split, shipping, rejected] = events;
      expect(commissioning.ilmd).to.deep.include({
        "ecotrace:batch": {
          product: { name: "安吉白茶 明前特级", category: "tea", gtin: "06901234567892" },
          lot: "LEAF-X",
          origin: {
            place: "溪龙乡黄杜村 3号茶园",
            regionCode: "330523",
            location: { lat: 30.64, lon: 119.68 },
            harvestedAt: "2026-04-12",
          },
          ecoAttributes: { carbonFootprintKgCO2e: 1.8 },
        },
      });
      expect(commissioning.readPoint).to.deep.equal({ id: "geo:30.64,119.68" });
      expect(inspecting.readPoint).to.deep.equal({ id: "urn:epc:id:sgln:6901234.00001.0" });
      expect(inspecting.eventTime).to.equal("2026-04-13T08:00:00+08:00");
      expect(inspecting.eventTimeZoneOffset).to.equal("+08:00");
      expect(inspecting.sensorElementList).to.deep.equal([
        {
          sensorReport: [
            { type: "https://ecotrace.example/voc/measurement-moisture", value: 6.5, uom: "P1" },
            { type: "Temperature", value: 4, uom: "CEL" },
            {
              type: "https://ecotrace.example/voc/measurement-%E5%86%9C%E8%8D%AF%E6%AE%8B%E7%95%99",
              stringValue: "未检出",
            },
          ],
        },
      ]);
      expect((inspecting["ecotrace:data"] as Json).lab).to.equal("浙江省农产品质量检测中心");
      expect(packing.parentID).to.equal("https://id.gs1.org/00/069012345000000017");
      expect(packing.childQuantityList).to.deep.equal([
        { epcClass: "https://id.gs1.org/01/06901234567892/10/LEAF-X" },
      ]);
      expect(split.inputQuantityList).to.deep.equal([
        { epcClass: "https://id.gs1.org/01/06901234567892/10/LEAF-X", quantity: 200, uom: "KGM" },
      ]);
      expect(split.transformationID).to.equal(
        `${env.config.PUBLIC_BASE_URL}/transformations/${scenario.child}`,
      );
      const base = env.config.PUBLIC_BASE_URL;
      expect(shipping.destinationList).to.deep.equal([
        { type: "owning_party", destination: `${base}/api/orgs/${scenario.shop.id}` },
      ]);
      expect((shipping.bizTransactionList as Json[])[0]).to.include({ type: "desadv" });
      expect(rejected.sourceList).to.deep.equal([
        { type: "owning_party", source: `${base}/api/orgs/${scenario.farm.id}` },
      ]);
      const correction = events[8];
      expect(correction["ecotrace:correctionOf"]).to.equal(events[2].eventID);
    });

    it("links a split and a transformation through transformationID and carries the output's lineage", async () => {
      const childEvents = await history(scenario.child, scenario.factory.key);
      const teaEvents = await history(scenario.tea, scenario.factory.key);
      const leavesEvents = await history(scenario.leaves);
      expect(childEvents[0].transformationID).to.equal(leavesEvents[4].transformationID);
      expect(teaEvents[0].transformationID).to.equal(childEvents[3].transformationID);
      expect(teaEvents[0].outputQuantityList).to.deep.equal([
        { epcClass: "https://id.gs1.org/01/06901234567892/10/TEA-X", quantity: 50, uom: "KGM" },
      ]);
      expect((teaEvents[0].ilmd as Json)["ecotrace:batch"]).to.deep.include({ lot: "TEA-X" });
    });

    it("publishes our hash, previous hash, sequence and actor, equal to the hash chain", async () => {
      const events = await history(scenario.leaves);
      const chain = await get(scenario.farm.key, `/api/batches/${scenario.leaves}/events?limit=100`);
      expect(events.map((event) => event["ecotrace:hash"])).to.deep.equal(
        chain.body.items.map((item: Json) => item.hash),
      );
      expect(events.map((event) => event["ecotrace:prevHash"])).to.deep.equal(
        chain.body.items.map((item: Json) => item.prevHash),
      );
      expect(events.map((event) => event["ecotrace:seq"])).to.deep.equal(
        chain.body.items.map((item: Json) => item.seq),
      );
      expect(events[0]["ecotrace:actor"]).to.equal(
        `${env.config.PUBLIC_BASE_URL}/api/orgs/${scenario.farm.id}`,
      );
      expect(events[0].recordTime).to.equal(chain.body.items[0].recordTime);
    });

    it("resolves each eventID to that event, and refuses other organizations", async () => {
      const [, inspecting] = await history(scenario.leaves);
      const path = new URL(String(inspecting.eventID)).pathname;
      const one = await get(scenario.farm.key, path);
      expect(one.status).to.equal(200);
      expectValidEpcis(one.body);
      expect(one.body.epcisBody.queryResults.resultsBody.eventList).to.deep.equal([inspecting]);
      expect((await get(scenario.shop.key, path)).status).to.equal(404);
      expect((await get(scenario.shop.key, `/api/batches/${scenario.leaves}/epcis`)).status).to.equal(404);
    });
  });

  it("documents the EPCIS and import routes in the OpenAPI document", async () => {
    const openApi = await http(server.baseUrl, "GET", "/openapi.json");
    expect(openApi.status).to.equal(200);
    const paths = openApi.body.paths;
    expect(
      paths["/api/epcis/events"].get.parameters.map((parameter: Json) => parameter.name),
    ).to.include.members(["batch", "gtin", "lot", "from", "to", "bizStep", "limit", "cursor"]);
    expect(paths["/api/epcis/capture"].post.requestBody).to.be.an("object");
    expect(Object.keys(paths)).to.include.members([
      "/api/epcis/events/{id}",
      "/api/batches/{id}/epcis",
      "/api/epcis/capture/{id}",
      "/api/imports",
      "/api/imports/{id}",
    ]);
  });

  describe("GET /api/epcis/events", () => {
    const query = async (key: string, search: string) => {
      const response = await get(key, `/api/epcis/events?${search}`);
      expect(response.status, response.text).to.equal(200);
      expectValidEpcis(response.body);
      expect(response.body.type).to.equal("EPCISQueryDocument");
      return response;
    };
    const events = (response: { body: Json }) =>
      (((response.body.epcisBody as Json).queryResults as Json).resultsBody as Json).eventList as Json[];

    it("filters by batch, GTIN and lot, bizStep and time range", async () => {
      const byBatch = events(await query(scenario.farm.key, `batch=${scenario.honey}`));
      expect(byBatch.map((event) => event.bizStep)).to.deep.equal(["commissioning", "destroying"]);
      const byLot = events(await query(scenario.factory.key, "gtin=6901234567892&lot=TEA-X"));
      expect(byLot).to.have.length(2);
      const shipping = events(await query(scenario.farm.key, "bizStep=shipping"));
      expect(shipping.map((event) => event.type)).to.deep.equal(["TransactionEvent", "TransactionEvent"]);
      const urn = events(await query(scenario.farm.key, "bizStep=urn:epcglobal:cbv:bizstep:shipping"));
      expect(urn).to.deep.equal(shipping);
      const custom = events(
        await query(scenario.farm.key, "bizStep=https://ecotrace.example/voc/bizstep-harvesting"),
      );
      expect(custom).to.have.length(1);
      const window = events(
        await query(scenario.factory.key, "from=2026-04-15T00:00:00Z&to=2026-04-16T00:00:00%2B08:00"),
      );
      expect(window.map((event) => event["ecotrace:type"])).to.have.members([
        "transforming",
        "commissioning",
      ]);
    });

    it("pages with a cursor and a Link header to the next page", async () => {
      const seen: unknown[] = [];
      let search = "limit=3";
      for (let page = 0; page < 10; page++) {
        const response = await query(scenario.farm.key, search);
        seen.push(...events(response).map((event) => event.eventID));
        const link = response.headers.get("link");
        if (!link) {
          expect(response.body["ecotrace:nextCursor"]).to.equal(null);
          break;
        }
        expect(link).to.match(/rel="next"$/);
        search = new URL(/^<([^>]+)>/.exec(link)![1]).search.slice(1);
      }
      const all = events(await query(scenario.farm.key, "limit=500"));
      expect(seen).to.deep.equal(all.map((event) => event.eventID));
      expect(new Set(seen).size).to.equal(seen.length);
    });

    it("shows each organization only the batches it produced or holds", async () => {
      const stranger = await createOrg(server, "其他合作社 X", ["producer"]);
      expect(events(await query(stranger.key, ""))).to.deep.equal([]);
      const shop = events(await query(scenario.shop.key, ""));
      expect(shop).to.deep.equal([]);
      const admin = events(await query(server.adminKey, "limit=500"));
      expect(admin.length).to.be.greaterThan(events(await query(scenario.farm.key, "limit=500")).length);
    });

    it("refuses unknown parameters and bad values, naming them", async () => {
      const unknown = await get(scenario.farm.key, "/api/epcis/events?EQ_bizStep=shipping");
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.details[0].field).to.equal("query.EQ_bizStep");
      const badTime = await get(scenario.farm.key, "/api/epcis/events?from=yesterday");
      expect(badTime.status).to.equal(400);
      const badCursor = await get(scenario.farm.key, "/api/epcis/events?cursor=xyz");
      expect(badCursor.status).to.equal(400);
    });
  });
});
