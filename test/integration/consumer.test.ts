import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { startWorker } from "../helpers/anchoring";
import { hasNumber } from "../helpers/text";
import { http } from "../helpers/http";
import { licensedBrand } from "../helpers/brand-scenario";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, pathOf, recordInspection } from "../helpers/verification";

describe("consumer page (GS1 Digital Link URL, no login)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let shop: TestOrg;
  let batch: { id: string; publicId: string; lot: string; digitalLink: string };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    shop = await createOrg(server, "杭州农产品超市", ["retailer"]);
    batch = await createBatch(server, farm, {
      brand: await licensedBrand(server, farm),
      private: ["/data/origin/location"],
    });
    await recordInspection(server, farm, batch.id, {
      data: { price: { amount: 880, currency: "CNY" }, buyer: "某茶叶经销商" },
      private: ["/data/price", "/data/buyer"],
    });
    await anchorNow(server);
  });
  after(async () => {
    await worker.stop();
    await server.close();
  });

  const page = (path: string, headers: Record<string, string> = {}) =>
    http(server.baseUrl, "GET", path, { headers });

  describe("HTML", () => {
    it("serves the page at the batch's Digital Link: verdict, product, origin, journey, proof", async () => {
      const response = await page(pathOf(batch.digitalLink));
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^text\/html/);
      expect(response.headers.get("content-language")).to.equal("zh-CN");
      const html = response.text;
      expect(html).to.match(/<html lang="zh-CN">/);
      expect(html).to.include('data-verdict="verified"').and.include("已验证");
      expect(html)
        .to.include("安吉白茶 明前特级")
        .and.include(batch.lot)
        .and.include("安吉县溪龙乡白茶合作社");
      expect(html)
        .to.include("溪龙乡黄杜村 3号茶园")
        .and.include("浙江省湖州市安吉县溪龙乡")
        .and.include("2026-04-12");
      expect(html).to.include('data-type="commissioning"').and.include('data-type="inspecting"');
      expect(html).to.include("农药残留: 0.01 毫克/千克 — 合格");
      expect(html).to.include(env.runtime.chain.registryAddress.toLowerCase());
      expect(html).to.match(/<dt>区块<\/dt><dd>\d+<\/dd>/);
      expect(html).to.include(`/api/batches/${batch.publicId}/proof-bundle`);
    });

    it("loads nothing from anywhere: no scripts, stylesheets, fonts or images, and a CSP that forbids them", async () => {
      const response = await page(pathOf(batch.digitalLink));
      const html = response.text;
      expect(html).to.not.match(/<script|<link|<img|<iframe|@import|url\(|src=/i);
      const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
      for (const href of hrefs) {
        expect(href.startsWith("/") || href.startsWith(env.config.PUBLIC_BASE_URL), href).to.equal(true);
      }
      expect(response.headers.get("content-security-policy")).to.include("default-src 'none'");
    });

    it("shows private fields as hidden and never their values", async () => {
      const html = (await page(pathOf(batch.digitalLink))).text;
      expect(hasNumber(html, "880"), "the sealed price").to.equal(false);
      expect(html).to.not.include("某茶叶经销商");
      expect(html).to.not.include("30.64").and.not.include("119.68");
      expect(html).to.include("生产者未公开精确坐标");
      expect(
        html.match(/<dd><span class="hidden" [^>]*>已隐藏（可凭哈希证明）<\/span><\/dd>/g),
      ).to.have.length(2);
      expect(html).to.not.include('class="pin"');
    });

    it("speaks English with ?lang=en or an Accept-Language that prefers English", async () => {
      const byQuery = await page(`${pathOf(batch.digitalLink)}?lang=en`);
      expect(byQuery.text)
        .to.match(/<html lang="en">/)
        .and.include("Verified")
        .and.include("Journey");
      const byHeader = await page(pathOf(batch.digitalLink), {
        "accept-language": "en-GB,en;q=0.9,zh;q=0.5",
      });
      expect(byHeader.headers.get("content-language")).to.equal("en");
      const prefersChinese = await page(pathOf(batch.digitalLink), { "accept-language": "en;q=0.4,zh-CN" });
      expect(prefersChinese.headers.get("content-language")).to.equal("zh-CN");
    });

    it("shows a recall banner on a batch made from a recalled input", async () => {
      const parent = await createBatch(server, farm);
      const offered = await http(server.baseUrl, "POST", `/api/batches/${parent.id}/transfers`, {
        key: farm.key,
        json: { to: shop.id, quantity: { value: 50, unit: "KGM" } },
      });
      const child = await http(server.baseUrl, "GET", `/api/batches/${offered.body.transfer.batchId}`, {
        key: farm.key,
      });
      const recall = await http(server.baseUrl, "POST", `/api/batches/${parent.id}/events`, {
        key: farm.key,
        json: { type: "recalling", eventTime: "2026-05-01T09:00:00+08:00" },
      });
      expect(recall.status, recall.text).to.equal(201);
      const html = (await page(pathOf(child.body.digitalLink))).text;
      expect(html).to.include('data-verdict="recalled"').and.include("已召回");
      const reason = /data-testid="recall-reason"><dt>原因<\/dt><dd>([^<]*)<\/dd>/.exec(html)?.[1];
      expect(reason).to.equal(`原料批次: 安吉白茶 明前特级 批次 ${parent.lot}`);
      expect(html).to.include('data-testid="recall-date"><dt>召回时间</dt><dd>2026-05-01 09:00</dd>');
      // No contact was given: the banner says so, and does not pass the recaller's name off as one.
      const contact = () => /data-testid="recall-contact"><dt>联系<\/dt><dd>([^<]*)<\/dd>/;
      expect(contact().exec(html)?.[1]).to.equal("联系方式未提供");
      const set = await http(server.baseUrl, "PUT", `/api/orgs/${farm.id}/contact`, {
        key: farm.key,
        json: { phone: "0572-5221234", email: "recall@farm.example" },
      });
      expect(set.status, set.text).to.equal(200);
      const after = (await page(pathOf(child.body.digitalLink))).text;
      expect(contact().exec(after)?.[1]).to.equal("0572-5221234 · recall@farm.example");
    });
  });

  describe("journey titles", () => {
    /** [data-type, title] of each journey item, in the page's order. */
    const titles = (html: string) =>
      [
        ...html.matchAll(
          /data-type="([^"]+)" data-time="[^"]*">\n<div class="when">[^<]*<\/div>\n<div class="what"><strong>([^<]*)<\/strong>/g,
        ),
      ].map((match) => [match[1], match[2]]);
    const journeyOf = async (digitalLink: string) =>
      (await page(pathOf(digitalLink), { accept: "application/json" })).body.journey as {
        batchId: string;
        type: string;
        derivation: string | null;
        derivedFrom: string[];
        details: { key: string }[];
      }[];

    it("names a transformation output's registration 加工产出 / Output of processing, after the processing, without its raw kind", async () => {
      const leaves = await createBatch(server, farm, { product: { name: "安吉白茶 鲜叶", category: "tea" } });
      const made = await http(server.baseUrl, "POST", "/api/transformations", {
        key: farm.key,
        json: {
          inputs: [{ batchId: leaves.id, quantity: { value: 500, unit: "KGM" } }],
          outputs: [
            { product: { name: "安吉白茶 成品", category: "tea" }, quantity: { value: 120, unit: "KGM" } },
          ],
        },
      });
      expect(made.status, made.text).to.equal(201);
      const output = made.body.outputs[0];
      const zh = (await page(pathOf(output.digitalLink))).text;
      // The processing and its output share one eventTime: the input's event is listed first.
      expect(titles(zh)).to.deep.equal([
        ["commissioning", "登记采收"],
        ["transforming", "加工"],
        ["commissioning", "加工产出"],
      ]);
      expect(titles((await page(`${pathOf(output.digitalLink)}?lang=en`)).text)).to.deep.equal([
        ["commissioning", "Harvest registered"],
        ["transforming", "Processing"],
        ["commissioning", "Output of processing"],
      ]);
      expect(zh).to.not.include("<dt>kind</dt>");
      const registration = (await journeyOf(output.digitalLink)).find(
        (entry) => entry.batchId === output.id && entry.type === "commissioning",
      )!;
      expect(registration.derivation).to.equal("transformation");
      expect(registration.details.map((detail) => detail.key)).to.deep.equal(["quantity"]);
    });

    it("names a split-off batch's registration 分批 / Split from batch … with its parent, and the split itself, not processing", async () => {
      const parent = await createBatch(server, farm, { eventTime: "2026-04-12T17:30:00+08:00" });
      const offered = await http(server.baseUrl, "POST", `/api/batches/${parent.id}/transfers`, {
        key: farm.key,
        json: { to: shop.id, quantity: { value: 50, unit: "KGM" }, eventTime: "2026-04-13T09:00:00+08:00" },
      });
      expect(offered.status, offered.text).to.equal(201);
      const child = await http(server.baseUrl, "GET", `/api/batches/${offered.body.transfer.batchId}`, {
        key: farm.key,
      });
      const parentLabel = `安吉白茶 明前特级 lot ${parent.lot}`;
      const zh = (await page(pathOf(child.body.digitalLink))).text;
      expect(titles(zh)).to.deep.equal([
        ["commissioning", "登记采收"],
        ["transforming", "分批"],
        ["commissioning", `分批（原批次：${parentLabel}）`],
        ["shipping", "发货运输"],
      ]);
      expect(titles((await page(`${pathOf(child.body.digitalLink)}?lang=en`)).text)).to.deep.equal([
        ["commissioning", "Harvest registered"],
        ["transforming", "Split into a new batch"],
        ["commissioning", `Split from batch ${parentLabel}`],
        ["shipping", "Shipped"],
      ]);
      expect(zh).to.not.include("<dt>kind</dt>");
      const journey = await journeyOf(child.body.digitalLink);
      expect(journey.map((entry) => [entry.type, entry.derivation, entry.derivedFrom])).to.deep.equal([
        ["commissioning", null, []],
        ["transforming", "split", []],
        ["commissioning", "split", [parentLabel]],
        ["shipping", null, []],
      ]);
    });
  });

  describe("JSON at the same URL", () => {
    it("answers Accept: application/json with the page's data", async () => {
      const response = await page(pathOf(batch.digitalLink), { accept: "application/json" });
      expect(response.status).to.equal(200);
      expect(response.headers.get("vary")).to.include("Accept");
      const view = response.body;
      expect(view.verdict).to.equal("verified");
      expect(view.batch).to.include({ id: batch.id, lot: batch.lot, brand: "安吉白茶" });
      expect(view.batch.producer.name).to.equal("安吉县溪龙乡白茶合作社");
      expect(view.origin).to.deep.include({
        place: "溪龙乡黄杜村 3号茶园",
        regionCode: "330523",
        location: { hidden: true },
      });
      expect(view.journey.map((entry: { type: string }) => entry.type)).to.have.members([
        "commissioning",
        "inspecting",
      ]);
      const inspection = view.journey.find((entry: { type: string }) => entry.type === "inspecting");
      expect(inspection.details).to.deep.include({ key: "price", value: { hidden: true } });
      expect(inspection.results[0]).to.deep.equal({
        name: "农药残留",
        value: 0.01,
        unit: "mg/kg",
        pass: true,
      });
      expect(view.proof.anchors.length).to.be.at.least(1);
      expect(view.proof.pendingEvents).to.equal(0);
      expect(view.checks.map((check: { name: string }) => check.name)).to.include("on-chain");
    });
  });

  describe("resolving links", () => {
    it("accepts the short forms GS1 allows: gtin/lot names, GTIN-13, the lot as a query attribute", async () => {
      const gtin13 = "6901234567892";
      for (const path of [
        `/gtin/${gtin13}/lot/${batch.lot}`,
        `/01/${gtin13}/10/${batch.lot}`,
        `/01/06901234567892?10=${batch.lot}`,
        `/dl/01/06901234567892/10/${batch.lot}?linkType=gs1:pip`,
      ]) {
        const response = await page(path, { accept: "application/json" });
        expect(response.status, `${path}: ${response.text}`).to.equal(200);
        expect(response.body.batch.id, path).to.equal(batch.id);
      }
    });

    it("serves the fallback /b/{publicId} link of a batch without a GTIN", async () => {
      const plain = await createBatch(server, farm, { product: { name: "林下香菇", category: "forest" } });
      expect(plain.digitalLink).to.match(/\/b\/[A-Za-z0-9_-]{22}$/);
      const response = await page(pathOf(plain.digitalLink));
      expect(response.status).to.equal(200);
      expect(response.text)
        .to.include("林下香菇")
        .and.include('data-verdict="pending"')
        .and.include("正在上链");
    });

    it("answers unknown (404) for a lot that does not exist and 400 for a malformed link", async () => {
      const unknown = await page("/01/06901234567892/10/NO-SUCH-LOT");
      expect(unknown.status).to.equal(404);
      expect(unknown.text).to.include('data-verdict="unknown"').and.include("未知产品");
      const json = await page("/01/06901234567892/10/NO-SUCH-LOT", { accept: "application/json" });
      expect(json.body.checks[0].detail).to.equal(
        "no batch with GTIN 06901234567892 and lot NO-SUCH-LOT is registered",
      );
      const badCheckDigit = await page(`/01/06901234567893/10/${batch.lot}`, { accept: "application/json" });
      expect(badCheckDigit.status).to.equal(400);
      expect(badCheckDigit.body.checks[0].detail).to.match(/check digit/);
      expect((await page(`${pathOf(batch.digitalLink)}?lang=fr`)).status).to.equal(400);
    });

    it("leaves other paths to the API and the 404 handler", async () => {
      const missing = await page("/api/nothing/01/x");
      expect(missing.status).to.equal(404);
      expect(missing.body.error.code).to.equal("NOT_FOUND");
    });
  });
});
