import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Browser } from "playwright-core";
import { launchChromium, skipWithoutChromium } from "../helpers/console-browser";
import { licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { expectValidEpcis } from "../integration/epcis-official-schema";

type Json = Record<string, unknown>;

const FIXTURE = path.resolve(__dirname, "../fixtures/cbv-master-data/commissioning-cbvmda.jsonld");
const GTIN = "06901234567892";

/**
 * A standard GS1 commissioning (GTIN + lot, a geo: read point, CBV master data in ilmd, no
 * `ecotrace:batch`) becomes a batch of what it states; what it does not state (product name,
 * category, GB/T 2260 region) is shown as 未说明 / not stated, never invented (decision 0031).
 */
describe("a batch from CBV master data (standard EPCIS commissioning)", function () {
  this.timeout(120_000);
  let server: TestServer;
  let farm: TestOrg;
  let otherFarm: TestOrg;
  let browser: Browser | undefined;
  const document = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Json;
  const sent = (document.epcisBody as { eventList: Json[] }).eventList[0];

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    otherFarm = await createOrg(server, "五常大米合作社", ["producer"]);
  });
  after(async () => {
    await browser?.close();
    await server.close();
  });

  const capture = (org: TestOrg, body: unknown) =>
    http(server.baseUrl, "POST", "/api/epcis/capture", { key: org.key, raw: JSON.stringify(body) });
  const get = (org: TestOrg, route: string) => http(server.baseUrl, "GET", route, { key: org.key });
  let batch: Json;

  it("creates a batch with what the event states and lists the rest as not stated", async () => {
    const response = await capture(farm, document);
    expect(response.status, response.text).to.equal(201);
    const [result] = response.body.events as Json[];
    expect(result.createdBatch, JSON.stringify(result)).to.equal(true);
    batch = (await get(farm, `/api/batches/${String(result.batchId)}`)).body as Json;
    expect(batch.product).to.deep.equal({ gtin: GTIN });
    expect(batch.lot).to.equal("CBV-TEA-1");
    expect(batch.quantity).to.deep.equal({ value: 420, unit: "KGM" });
    expect(batch.origin).to.deep.equal({
      place: "330523-07",
      country: "CN",
      location: { lat: 30.6321, lon: 119.6802 },
      harvestedAt: "2026-04-10",
    });
    expect(batch.notStated).to.deep.equal(["product.name", "product.category", "origin.regionCode"]);
    // Stored equals hashed: the captured event, ilmd included, comes back verbatim.
    const exported = await get(farm, `/api/batches/${String(batch.id)}/epcis`);
    expectValidEpcis(exported.body);
    expect(exported.body.epcisBody.eventList[0].ilmd).to.deep.equal(sent.ilmd);
  });

  it("shows 未说明 / not stated on the consumer page in Chromium, and no invented value", async function () {
    skipWithoutChromium(this);
    browser = await launchChromium();
    const link = new URL(String(batch.digitalLink));
    for (const [lang, notStated, country] of [
      ["zh", "未说明", "中国"],
      ["en", "not stated", "China"],
    ]) {
      const page = await browser.newPage();
      const response = await page.goto(`${server.baseUrl}${link.pathname}?lang=${lang}`);
      expect(response?.status(), `${link.pathname}: ${await response?.text()}`).to.equal(200);
      expect(await page.getByTestId("product").innerText()).to.equal(notStated);
      const origin = await page.getByTestId("origin").innerText();
      expect(origin).to.include("330523-07").and.include("2026-04-10");
      expect(await page.getByTestId("region").innerText()).to.include(country);
      // No province, city or county is derived from anything: the event states none.
      for (const invented of ["浙江", "Zhejiang", "安吉", "tea", "茶"])
        expect(origin).not.to.include(invented);
      await page.close();
    }
  });

  it("survives export → capture → query: the same stated fields, nothing added", async () => {
    const exported = await get(farm, `/api/batches/${String(batch.id)}/epcis`);
    const [event] = exported.body.epcisBody.eventList as Json[];
    const { eventID: _id, ...again } = event;
    const response = await capture(otherFarm, { ...exported.body, epcisBody: { eventList: [again] } });
    expect(response.status, response.text).to.equal(201);
    const [result] = response.body.events as Json[];
    expect(result.createdBatch, JSON.stringify(result)).to.equal(true);
    const copy = (await get(otherFarm, `/api/batches/${String(result.batchId)}`)).body as Json;
    for (const field of ["product", "lot", "origin", "quantity", "notStated"])
      expect(copy[field], field).to.deep.equal(batch[field]);
    const queried = await get(
      otherFarm,
      `/epcis/events?EQ_bizStep=commissioning&MATCH_anyEPCClass=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/10/CBV-TEA-1`)}`,
    );
    expect(queried.status, queried.text).to.equal(200);
    const events = queried.body.epcisBody.queryResults.resultsBody.eventList as Json[];
    expect(events.map((item) => item.ilmd)).to.deep.equal([sent.ilmd]);
  });

  it("refuses a regional brand claim for an output of a batch whose region is not stated, consuming nothing", async () => {
    const brandId = await licensedBrand(server, farm);
    const made = await http(server.baseUrl, "POST", "/api/transformations", {
      key: farm.key,
      json: {
        inputs: [{ batchId: batch.id, quantity: { value: 20, unit: "KGM" } }],
        outputs: [
          {
            product: { name: "白茶 成品", category: "tea" },
            quantity: { value: 5, unit: "KGM" },
            brand: brandId,
          },
        ],
      },
    });
    expect(made.status, made.text).to.equal(422);
    expect(made.body.error.details[0].field, made.text).to.equal("body.outputs[0].origin.regionCode");
    expect(made.body.error.message).to.include("not stated");
    const after = (await get(farm, `/api/batches/${String(batch.id)}`)).body as Json;
    expect(after.available).to.deep.equal({ value: 420, unit: "KGM" });
  });

  it("refuses CBV master data it cannot read, naming the ilmd key, and stores nothing", async () => {
    const before = (await get(farm, "/api/batches?lot=CBV-TEA-2")).body.items as Json[];
    const unreadable = {
      ...sent,
      quantityList: [{ epcClass: "urn:epc:class:lgtin:6901234.056789.CBV-TEA-2", quantity: 1, uom: "KGM" }],
      ilmd: {
        ...(sent.ilmd as Json),
        "cbvmda:countryOfOrigin": "China",
        "cbvmda:harvestStartDate": "2999-01-01",
      },
    };
    const response = await capture(farm, { ...document, epcisBody: { eventList: [unreadable] } });
    expect(response.status, response.text).to.equal(422);
    const [event] = response.body.error.details.events as { reasons: { code: string; message: string }[] }[];
    expect(event.reasons.map((item) => item.code)).to.deep.equal([
      "INVALID_BATCH_MASTER_DATA",
      "INVALID_BATCH_MASTER_DATA",
    ]);
    expect(event.reasons[0].message).to.include('ilmd["cbvmda:countryOfOrigin"]');
    expect(event.reasons[1].message).to.include('ilmd["cbvmda:harvestStartDate"]');
    expect(before).to.deep.equal([]);
    expect((await get(farm, "/api/batches?lot=CBV-TEA-2")).body.items).to.deep.equal([]);
  });
});
