import { publicIdOf } from "../helpers/scenario";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { DEMO_ORGS, demoSeason } from "../../server/modules/demo/demo-dataset";
import { seedDemo, type DemoSummary } from "../../server/modules/demo/seed-demo";
import { startWorker } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { decodeQrPng } from "../helpers/verification";

/**
 * The demo seed against a real service (embedded database, real anvil, real HTTP, a running
 * anchoring worker): everything it promises a newcomer is checked through the public API.
 */
describe("demo seed (server/modules/demo/seed-demo.ts)", function () {
  this.timeout(300_000);
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let outDir: string;
  let summary: DemoSummary;

  const get = async (route: string, key: string | undefined = server.adminKey) => {
    const response = await http(server.baseUrl, "GET", route, { key });
    expect(response.status, `${route}: ${response.text}`).to.equal(200);
    return response.body;
  };
  const verdictOf = async (batchId: string) =>
    (await get(`/api/verify/${await publicIdOf(server, batchId)}`, undefined)).verdict;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-demo-"));
    summary = await seedDemo({ baseUrl: server.baseUrl, adminKey: server.adminKey, outDir });
  });
  after(async () => {
    await worker.stop();
    await server.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it("creates every organization once and the harvest and finished tea batches", async () => {
    expect(summary.seeded).to.equal(true);
    const { items: orgs } = await get("/api/orgs");
    for (const { name, roles } of Object.values(DEMO_ORGS)) {
      const named = orgs.filter((org: { name: string }) => org.name === name);
      expect(named, name).to.have.length(1);
      expect(named[0].roles).to.deep.equal(roles);
    }
    const { items: batches } = await get("/api/batches?limit=100");
    const names = batches.map((batch: { product: { name: string } }) => batch.product.name).sort();
    expect(names).to.deep.equal([
      "安吉白茶 一级",
      "安吉白茶 明前特级",
      "安吉白茶 雨前二级",
      "安吉白茶 鲜叶",
      "安吉白茶 鲜叶",
      "安吉白茶 鲜叶",
    ]);
    const certifier = orgs.find((org: { name: string }) => org.name === DEMO_ORGS.certifier.name);
    const registration = await get(`/api/certifiers/${certifier.id}`);
    expect(JSON.stringify(registration)).to.include(certifier.address);
  });

  it("registers the brand, licenses both co-ops and registers every harvest under it", async () => {
    const brand = summary.brand!;
    const view = await get(`/api/brands/${brand.id}`, undefined);
    expect(view.name).to.deep.equal({ zh: "安吉白茶", en: "Anji White Tea" });
    expect(view.requiredSchemes).to.deep.equal(["geographical-indication"]);
    const { items: orgs } = await get("/api/orgs");
    const idOf = (name: string) => orgs.find((org: { name: string }) => org.name === name).id;
    expect(view.ownerId).to.equal(idOf(DEMO_ORGS.brandOwner.name));
    const licensed = view.licences.map((licence: { producerId: string; status: string; used: unknown }) => [
      licence.producerId,
      licence.status,
      licence.used,
    ]);
    expect(licensed).to.have.deep.members([
      [idOf(DEMO_ORGS.huangdu.name), "active", { value: 1000, unit: "KGM" }],
      [idOf(DEMO_ORGS.daxi.name), "active", { value: 500, unit: "KGM" }],
    ]);
    const fromCertificate = view.licences.find(
      (licence: { quotaCertificationId?: string }) => licence.quotaCertificationId,
    );
    expect(fromCertificate.producerId).to.equal(idOf(DEMO_ORGS.daxi.name));
    const { items: batches } = await get("/api/batches?limit=100");
    for (const batch of batches) expect(batch.brandId, batch.product.name).to.equal(brand.id);
    expect(brand.page).to.satisfy((url: string) => url.startsWith(`${server.baseUrl}/`));
    expect((await fetch(brand.page)).status).to.equal(200);
    const { apiKey: ownerKey } = JSON.parse(
      fs.readFileSync(path.join(outDir, "accounts.json"), "utf8"),
    ).brandOwner;
    // The summary's report link opens in a browser (signed, no key); the API answers the owner.
    const link = new URL(brand.report);
    const page = await fetch(`${server.baseUrl}${link.pathname}${link.search}`);
    expect(page.status, brand.report).to.equal(200);
    expect(await page.text()).to.include("品牌报告");
    const report = await get(`/api/brands/${brand.id}/report`, ownerKey);
    expect(report.anomalies, "a well-behaved demo has nothing for the brand owner to chase").to.deep.equal(
      [],
    );
    expect(
      report.licences.map((licence: { claimed: { value: number } }) => licence.claimed.value),
    ).to.have.members([1000, 500]);
  });

  it("anchors every event: each one has a Merkle proof against a completed window", async () => {
    const { items: windows } = await get("/api/anchors?limit=500");
    expect(windows.length).to.be.at.least(1);
    for (const window of windows) expect(window.state, window.id).to.equal("completed");
    const { items: batches } = await get("/api/batches?limit=100");
    let events = 0;
    for (const batch of batches) {
      const { items } = await get(`/api/batches/${batch.id}/events?limit=500`);
      for (const event of items) {
        const proof = await get(`/api/events/${event.id}/proof`);
        expect(proof.eventHash).to.equal(event.hash);
        events += 1;
      }
    }
    const { items: register } = await get(`/api/brands/${summary.brand!.id}/events`, undefined);
    expect(register.map((event: { type: string }) => event.type)).to.deep.equal([
      "brand_registered",
      "licence_issued",
      "licence_issued",
    ]);
    for (const event of register) {
      expect((await get(`/api/events/${event.id}/proof`)).eventHash).to.equal(event.hash);
      events += 1;
    }
    const leaves = windows.reduce((sum: number, window: { leafCount: number }) => sum + window.leafCount, 0);
    expect(leaves, "every anchored leaf is one of the batches' or the brand's events").to.equal(events);
    expect(events).to.be.above(30);
  });

  it("gives the retail batch a verified verdict, the recalled one recalled and the revoked one revoked", async () => {
    const verdicts = Object.fromEntries(
      await Promise.all(summary.pages.map(async (page) => [page.key, await verdictOf(page.batchId)])),
    );
    expect(verdicts).to.deep.equal({ mingqianTea: "verified", daxiTea: "revoked", yuqianTea: "recalled" });
    for (const page of summary.pages) expect(verdicts[page.key]).to.equal(page.expectedVerdict);

    const retail = summary.pages.find((page) => page.key === "mingqianTea")!;
    const { items: events } = await get(`/api/batches/${retail.batchId}/events?limit=100`);
    expect(events.map((event: { type: string }) => event.type)).to.include.members([
      "commissioning",
      "shipping",
      "receiving",
      "selling",
    ]);
    const batch = await get(`/api/batches/${retail.batchId}`);
    const { items: orgs } = await get("/api/orgs");
    const retailer = orgs.find((org: { name: string }) => org.name === DEMO_ORGS.retailer.name);
    expect(batch.holderId).to.equal(retailer.id);
    expect(batch.inputs).to.have.length(1);
    expect(batch.inputs[0].kind).to.equal("transformation");
  });

  it("revokes one certificate on chain; the harvest it covers and the tea made from it show revoked", async () => {
    const revokedTea = summary.pages.find((page) => page.key === "daxiTea")!;
    const { items } = await get(`/api/batches/${revokedTea.batchId}/certifications`);
    const states = items.map((item: { scheme: string; status: { state: string } }) => [
      item.scheme,
      item.status.state,
    ]);
    expect(states).to.have.deep.members([
      ["green-food", "revoked"],
      ["geographical-indication", "valid"],
    ]);
    const revoked = items.find((item: { status: { state: string } }) => item.status.state === "revoked");
    expect(revoked.inherited).to.equal(true);
    const [covered] = revoked.covers;
    expect(covered.via).to.equal("scope");
    expect(await verdictOf(covered.batchId)).to.equal("revoked");
    const certification = await get(`/api/certifications/${revoked.id}`);
    expect(certification.statusChanges.map((change: { state: string }) => change.state)).to.deep.equal([
      "mined",
    ]);
  });

  it("records last spring's season: each chain in time order, China Standard Time, in the past", async () => {
    const season = demoSeason(new Date());
    const seasonStart = Date.parse(`${season}-03-01T00:00:00+08:00`);
    const seasonEnd = Date.parse(`${season}-06-01T00:00:00+08:00`);
    const { items: batches } = await get("/api/batches?limit=100");
    for (const batch of batches) {
      const { items } = await get(`/api/batches/${batch.id}/events?limit=500`);
      const events = [...items].sort((a: { seq: number }, b: { seq: number }) => a.seq - b.seq);
      const times = events.map((event: { body: { eventTime: string } }) => Date.parse(event.body.eventTime));
      expect(times, `${batch.lot}: eventTime follows seq`).to.deep.equal([...times].sort((a, b) => a - b));
      expect(Math.max(...times), `${batch.lot}: nothing in the future`).to.be.at.most(Date.now());
      for (const event of events) {
        const { type, eventTime } = event.body;
        // The service times certifying (coverage) events when it records them: the seed's today.
        if (type === "certifying") continue;
        expect(eventTime, `${batch.lot} ${type}`).to.match(/\+08:00$/);
        expect(Date.parse(eventTime), `${batch.lot} ${type} ${eventTime}`).to.be.within(
          seasonStart,
          seasonEnd,
        );
      }
      if (batch.inputs.length === 0) {
        expect(
          events[0].body.eventTime.slice(0, 10),
          `${batch.lot} registered the day of its harvest`,
        ).to.equal(batch.origin.harvestedAt);
      }
    }
    const retail = summary.pages.find((page) => page.key === "mingqianTea")!;
    const { items: retailEvents } = await get(`/api/batches/${retail.batchId}/events?limit=100`);
    const sold = retailEvents.filter((event: { type: string }) => event.type === "selling");
    expect(
      sold.map((event: { body: { eventTime: string } }) => event.body.eventTime.slice(0, 7)),
    ).to.deep.equal([`${season}-05`]);
  });

  it("shows each consumer page's journey by eventTime, from the harvest to the sale or the recall", async () => {
    const journeys: Record<string, { type: string; eventTime: string; batchId: string }[]> = {};
    for (const page of summary.pages) {
      const { pathname } = new URL(page.digitalLink);
      const json = await http(server.baseUrl, "GET", pathname, { headers: { accept: "application/json" } });
      const journey = json.body.journey as { type: string; eventTime: string; batchId: string }[];
      const times = journey.map((entry) => Date.parse(entry.eventTime));
      expect(times, page.key).to.deep.equal([...times].sort((a, b) => a - b));
      const html = (await http(server.baseUrl, "GET", pathname, { headers: { accept: "text/html" } })).text;
      const listed = [...html.matchAll(/<li [^>]*class="event[^"]*" data-type="([^"]+)"/g)].map(
        (match) => match[1],
      );
      // Certifying events are shown with their certificates, not as steps of the journey.
      expect(listed, `${page.key}: the page lists the journey in the view's order`).to.deep.equal(
        journey.map((entry) => entry.type).filter((type) => type !== "certifying"),
      );
      journeys[page.key] = journey;
    }
    const season = journeys.mingqianTea.filter((entry) => entry.type !== "certifying");
    expect(season.map((entry) => entry.type)).to.deep.equal([
      "commissioning", // harvest
      "inspecting",
      "shipping", // fresh leaves to the factory
      "receiving",
      "transforming",
      "commissioning", // the finished tea
      "inspecting",
      "storing",
      "shipping", // to logistics
      "receiving",
      "shipping", // to the retailer
      "receiving",
      "selling",
    ]);
    // Last: the organic and GI coverage of the harvest, which the service times at recording (today).
    expect(journeys.mingqianTea.slice(season.length).map((entry) => entry.type)).to.deep.equal([
      "certifying",
      "certifying",
    ]);
    const recalled = journeys.yuqianTea
      .filter((entry) => entry.type !== "certifying")
      .map((entry) => entry.type);
    expect(recalled.slice(-3)).to.deep.equal(["commissioning", "inspecting", "recalling"]);
  });

  it("writes QR PNGs that decode to the printed Digital Links, and a label PDF", async () => {
    for (const page of summary.pages) {
      const file = path.join(outDir, `qr-${page.key}.png`);
      expect(summary.files).to.include(file);
      expect(decodeQrPng(fs.readFileSync(file)), page.key).to.equal(page.digitalLink);
      expect(page.digitalLink).to.match(/\/01\/\d{14}\/10\/AJ\d{4}[A-Z]{2}\d{2}$/);
    }
    const serial = summary.serial!;
    const serialPng = fs.readFileSync(path.join(outDir, `qr-serial-${serial.serial}.png`));
    expect(decodeQrPng(serialPng)).to.equal(serial.digitalLink);
    expect(serial.digitalLink).to.match(new RegExp(`/21/${serial.serial}$`));

    const pdf = summary.files.find((file) => file.endsWith(".pdf"))!;
    expect(path.dirname(pdf)).to.equal(outDir);
    const bytes = fs.readFileSync(pdf);
    expect(bytes.subarray(0, 4).toString("latin1")).to.equal("%PDF");
    expect(bytes.length).to.be.above(10_000);

    const accounts = path.join(outDir, "accounts.json");
    expect(fs.statSync(accounts).mode & 0o777).to.equal(0o600);
    const { retailer } = JSON.parse(fs.readFileSync(accounts, "utf8"));
    expect(
      (await get("/api/orgs", retailer.apiKey)).items.map((org: { id: string }) => org.id),
    ).to.deep.equal([retailer.id]);
  });

  it("serves the consumer page of each printed Digital Link at the service", async () => {
    for (const page of summary.pages) {
      const { pathname } = new URL(page.digitalLink);
      const response = await http(server.baseUrl, "GET", pathname, { headers: { accept: "text/html" } });
      expect(response.status, pathname).to.equal(200);
      expect(response.text).to.include(`data-verdict="${page.expectedVerdict}"`);
    }
  });

  it("does not seed a database that holds the demo again: it finds the same pages", async () => {
    const counts = async () => ({
      orgs: (await get("/api/orgs")).items.length,
      batches: (await get("/api/batches?limit=100")).items.length,
      events: await env.runtime.connection.db!.collection("traceevents").countDocuments(),
    });
    const before = await counts();
    const again = await seedDemo({ baseUrl: server.baseUrl, adminKey: server.adminKey, outDir });
    expect(again.seeded).to.equal(false);
    expect(again.pages).to.deep.equal(summary.pages);
    expect(again.serial).to.deep.equal(summary.serial);
    expect(again.files).to.have.members(summary.files);
    expect(await counts()).to.deep.equal(before);
    for (const page of again.pages) {
      expect(decodeQrPng(fs.readFileSync(path.join(outDir, `qr-${page.key}.png`)))).to.equal(
        page.digitalLink,
      );
    }
  });
});
