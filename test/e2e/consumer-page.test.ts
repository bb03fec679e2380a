import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, skipWithoutChromium } from "../helpers/console-browser";
import { findFreePort } from "../../server/platform/net/free-port";
import { anjiBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { hasNumber } from "../helpers/text";
import { teaBatch } from "../helpers/scenario";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";
import { decodeQrPng } from "../helpers/verification";
import { waitFor } from "../helpers/anchoring";

const OUTPUT = path.resolve(__dirname, "../../test-output");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

/**
 * What a shopper does: the QR code printed on the package is decoded by a real QR decoder, the
 * decoded URL is opened in a real browser (headless Chromium) against the service started as
 * `npm start` starts it, and the page shows the verdict and the journey; its brand link opens the
 * brand's page with the licensed producers. Then the pages the demo seeds (verified, revoked,
 * recalled, an item label copied onto many packs, the brand page) are read the way a shopper reads
 * them: the verdict word, a Chinese timeline without Latin-letter labels, events in time order, a
 * revocation with its certifier, time and signed reason; each is checked with axe-core (no serious
 * or critical violation). Screenshots at phone and desktop width are written to test-output/.
 */
describe("consumer page in a browser (QR → URL → Chromium)", function () {
  this.timeout(240_000);
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  let adminKey: string;
  let phone: BrowserContext;
  const demo: { pages: Record<string, string>; brand: string; serial: string } = {
    pages: {},
    brand: "",
    serial: "",
  };

  before(async function () {
    skipWithoutChromium(this);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-e2e-page-"));
    const port = await findFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // The demo seeds itself in the background while the first tests run on their own data.
    service = spawnService({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_BASE_URL: baseUrl,
      DEMO_SEED: "true",
      LOG_LEVEL: "info",
    });
    await waitUntilServing(service);
    adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    browser = await launchChromium();
    phone = await browser.newContext({ viewport: PHONE, locale: "zh-CN" });
    fs.mkdirSync(OUTPUT, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    if (service && service.child.exitCode === null) {
      service.child.kill("SIGTERM");
      await service.exited;
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function logLines(prefix: string): Record<string, unknown>[] {
    return service!
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => String(entry.msg).startsWith(prefix));
  }

  function failed(): false {
    const [failure] = logLines("the demo seed failed");
    if (failure) throw new Error(`the demo seed failed: ${JSON.stringify(failure.err)}`);
    return false;
  }

  /**
   * Opens `url` at phone width: asserts that it loads nothing else and that axe-core finds no
   * serious or critical violation; screenshots it at phone and desktop width as `name`.
   */
  async function visit(name: string, url: string): Promise<Page> {
    const page = await phone.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(url);
    expect(requested, `${name} loads nothing but itself`).to.deep.equal([url]);
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map(
        (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
      );
    expect(serious, `${name}: axe-core serious or critical violations`).to.deep.equal([]);
    await page.screenshot({ path: path.join(OUTPUT, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: path.join(OUTPUT, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    return page;
  }

  const verdictOf = async (page: Page) => ({
    verdict: await page.getAttribute('[data-testid="verdict"]', "data-verdict"),
    word: (await page.textContent('[data-testid="verdict"] h2'))?.trim(),
  });
  const bannerFact = async (page: Page, testId: string) =>
    (await page.textContent(`[data-testid="verdict"] [data-testid="${testId}"] dd`))?.trim();

  /** Waits for the demo the service seeds on its first start; reads its pages from the log. */
  async function demoSeeded(): Promise<void> {
    if (demo.brand) return;
    await waitFor("the demo seed", () => logLines("demo data seeded").length > 0 || failed(), {
      timeoutMs: 180_000,
    });
    for (const line of logLines("demo consumer page")) demo.pages[String(line.verdict)] = String(line.url);
    demo.serial = String(logLines("").find((line) => line.itemSerial)!.itemSerial);
    demo.brand = String(logLines("demo brand page")[0].url);
  }

  async function post(key: string, route: string, json: unknown) {
    const response = await http(baseUrl, "POST", route, { key, json });
    expect(response.status, `${route}: ${response.text}`).to.be.oneOf([200, 201]);
    return response.body;
  }

  /** Opens `url` in a phone-sized page; returns the page and every URL the browser requested. */
  async function open(url: string, locale: string) {
    const context = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale,
    });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const response = await page.goto(url, { waitUntil: "load" });
    return { context, page, requested, status: response?.status() };
  }

  it("decodes the package's QR code, opens its URL and shows a verified verdict with the journey", async () => {
    const farm = await post(adminKey, "/api/orgs", { name: "安吉县溪龙乡白茶合作社", roles: ["producer"] });
    const owner = await post(adminKey, "/api/orgs", { name: "安吉县白茶产业协会", roles: ["brand_owner"] });
    const brand = await post(owner.apiKey, "/api/brands", anjiBrand({ requiredSchemes: [] }));
    await post(owner.apiKey, `/api/brands/${brand.id}/licences`, {
      producer: farm.id,
      category: "tea",
      period: { from: "2026-01-01", until: "2026-12-31" },
      quota: { value: 5000, unit: "KGM" },
    });
    const batch = await post(
      farm.apiKey,
      "/api/batches",
      teaBatch({ brand: brand.id, private: ["/data/origin/location"] }),
    );
    await post(farm.apiKey, `/api/batches/${batch.id}/events`, {
      type: "inspecting",
      eventTime: "2026-04-13T08:00:00+08:00",
      location: { name: "浙江省农产品质量检测中心", regionCode: "330106" },
      data: {
        lab: "浙江省农产品质量检测中心",
        results: [
          { name: "农药残留", value: 0.01, unit: "mg/kg", pass: true },
          { name: "水分", value: 6.2, unit: "%", pass: true },
        ],
        price: { amount: 880, currency: "CNY" },
      },
      private: ["/data/price"],
    });
    const anchored = await post(adminKey, "/api/anchors/run?wait=true", {});
    expect(anchored.status).to.equal("confirmed");

    const png = Buffer.from(
      await (await fetch(`${baseUrl}/api/batches/${batch.publicId}/qr.png?size=400`)).arrayBuffer(),
    );
    const url = decodeQrPng(png);
    expect(url).to.equal(batch.digitalLink);
    expect(url!.startsWith(`${baseUrl}/01/06901234567892/10/`)).to.equal(true);
    const plain = await fetch(url!);
    expect(plain.status).to.equal(200);

    const { context, page, requested, status } = await open(url!, "zh-CN");
    try {
      expect(status).to.equal(200);
      expect(await page.getAttribute('[data-testid="verdict"]', "data-verdict")).to.equal("verified");
      expect((await page.textContent('[data-testid="verdict"] h2'))?.trim()).to.equal("已验证");
      expect(await page.textContent('[data-testid="product"]')).to.equal("安吉白茶 明前特级");
      const journey = await page.$$eval('[data-testid="journey"] > li', (items) =>
        items.map((item) => ({ type: item.getAttribute("data-type"), text: item.textContent ?? "" })),
      );
      expect(journey.map((item) => item.type)).to.have.members(["commissioning", "inspecting"]);
      const inspection = journey.find((item) => item.type === "inspecting")!;
      expect(inspection.text)
        .to.include("检验检测")
        .and.include("农药残留: 0.01 毫克/千克 — 合格")
        .and.include("已隐藏");
      expect(hasNumber(inspection.text, "880"), "the sealed price").to.equal(false);
      expect(await page.isVisible('[data-testid="proof"]')).to.equal(true);
      const checks = await page.$$eval('[data-testid="checks"] li', (items) =>
        items.map((item) => item.getAttribute("data-status")),
      );
      expect(checks.length).to.be.at.least(8);
      expect(checks.every((state) => state === "pass")).to.equal(true);
      expect(requested, "the page loads nothing but itself").to.deep.equal([url]);
      await page.screenshot({ path: path.join(OUTPUT, "consumer-page.png"), fullPage: true });

      // The brand link leads to the brand's public page, which also loads nothing but itself.
      requested.length = 0;
      await Promise.all([
        page.waitForURL(`${baseUrl}/brands/${brand.id}`),
        page.click('[data-testid="brand-link"]'),
      ]);
      expect((await page.textContent('[data-testid="brand-name"]'))?.trim()).to.equal("安吉白茶");
      const rows = await page.$$eval('[data-testid="licence-row"]', (items) =>
        items.map((item) => ({
          status: item.getAttribute("data-status"),
          text: item.textContent ?? "",
          used: item.querySelector('[data-col="used"]')?.textContent,
          remaining: item.querySelector('[data-col="remaining"]')?.textContent,
        })),
      );
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ status: "active", used: "500 千克", remaining: "4500 千克" });
      expect(rows[0].text).to.include("安吉县溪龙乡白茶合作社");
      expect(await page.isVisible('[data-testid="register"]')).to.equal(true);
      expect(requested, "the brand page loads nothing but itself").to.deep.equal([
        `${baseUrl}/brands/${brand.id}`,
      ]);
      await page.screenshot({ path: path.join(OUTPUT, "brand-page.png"), fullPage: true });
    } finally {
      await context.close();
    }

    const english = await open(`${url}?lang=en`, "en-US");
    try {
      expect((await english.page.textContent('[data-testid="verdict"] h2'))?.trim()).to.equal("Verified");
      await english.page.screenshot({ path: path.join(OUTPUT, "consumer-page-en.png"), fullPage: true });
    } finally {
      await english.context.close();
    }
    expect(fs.statSync(path.join(OUTPUT, "consumer-page.png")).size).to.be.above(10_000);
    expect(fs.statSync(path.join(OUTPUT, "brand-page.png")).size).to.be.above(10_000);
  });

  it("shows the recall banner, in the browser, for a recalled batch", async () => {
    const farm = await post(adminKey, "/api/orgs", { name: "五常大米合作社", roles: ["producer"] });
    const batch = await post(
      farm.apiKey,
      "/api/batches",
      teaBatch({ product: { name: "五常大米 稻花香2号", category: "rice", gtin: "06901234567892" } }),
    );
    await post(farm.apiKey, `/api/batches/${batch.id}/events`, {
      type: "recalling",
      eventTime: "2026-05-01T09:00:00+08:00",
      data: { reason: "重金属镉超标" },
    });
    const { context, page } = await open(batch.digitalLink, "zh-CN");
    try {
      expect(await page.getAttribute('[data-testid="verdict"]', "data-verdict")).to.equal("recalled");
      expect(await page.textContent('[data-testid="verdict"]'))
        .to.include("已召回")
        .and.include("重金属镉超标");
      const journey = await page.$$eval('[data-testid="journey"] > li', (items) =>
        items.map((item) => item.getAttribute("data-type")),
      );
      expect(journey).to.include("recalling");
      await page.screenshot({ path: path.join(OUTPUT, "consumer-page-recalled.png"), fullPage: true });
    } finally {
      await context.close();
    }
  });
  it("verified: one word, a Chinese timeline without Latin-letter labels, in time order, origin map and barcode", async () => {
    await demoSeeded();
    const page = await visit("consumer-verified", demo.pages.verified);
    expect(await verdictOf(page)).to.deep.equal({ verdict: "verified", word: "已验证" });
    const labels = await page.$$eval(
      '[data-testid="journey"] dt, [data-testid="journey"] .disposition',
      (items) => items.map((item) => item.textContent ?? ""),
    );
    expect(labels.length).to.be.above(10);
    expect(labels.filter((label) => /[A-Za-z]/.test(label))).to.deep.equal([]);
    const timeline = await page.$$eval('[data-testid="journey"] > li', (items) =>
      items.map((item) => ({
        time: item.getAttribute("data-time")!,
        when: item.querySelector(".when")!.textContent,
      })),
    );
    const instants = timeline.map((entry) => Date.parse(entry.time));
    expect(instants).to.deep.equal([...instants].sort((a, b) => a - b));
    expect(timeline[0].when, "shown in the event's own offset (+08:00)").to.equal(
      timeline[0].time.slice(0, 16).replace("T", " "),
    );
    const journeyText = await page.textContent('[data-testid="journey"]');
    expect(journeyText).to.include("千克").and.not.include("KGM").and.not.include("retail sold");
    expect(await page.textContent('[data-testid="region"] dd'))
      .to.include("安吉县")
      .and.include("溪龙乡");
    expect(await page.textContent('[data-testid="barcode"] dd')).to.match(/^\d{13}$/);
    expect(await page.locator("header svg path.here").count()).to.equal(1);
    expect(await page.isVisible('[data-testid="checks"]'), "the proof is folded").to.equal(false);
    await page.click('[data-testid="proof"] summary');
    expect(await page.isVisible('[data-testid="checks"]')).to.equal(true);
    expect(await page.textContent('[data-testid="proof"] summary')).to.equal("查看区块链证明");
    await page.close();
  });

  it("verified, in English: English wherever the data has English (brand, units)", async () => {
    const page = await visit("consumer-verified-en", `${demo.pages.verified}?lang=en`);
    expect(await verdictOf(page)).to.deep.equal({ verdict: "verified", word: "Verified" });
    expect(await page.textContent("header")).to.include("Anji White Tea");
    expect(await page.textContent('[data-testid="journey"]'))
      .to.include(" kg")
      .and.not.include("千克");
    await page.close();
  });

  it("revoked: names the certificate, its certifier, when, the signed reason and whether the product is affected", async () => {
    const page = await visit("consumer-revoked", demo.pages.revoked);
    expect(await verdictOf(page)).to.deep.equal({ verdict: "revoked", word: "证书或授权已撤销" });
    expect(await bannerFact(page, "revoked-certificate")).to.match(/^绿色食品 LB-/);
    expect(await bannerFact(page, "revoked-by")).to.equal("浙江绿标认证中心有限公司");
    expect(await bannerFact(page, "revoked-at")).to.match(/^\d{4}年\d{1,2}月\d{1,2}日 .*\(UTC\+8\)$/);
    expect(await bannerFact(page, "revoked-reason"))
      .to.not.equal("—")
      .and.not.match(/^0x/);
    expect(await bannerFact(page, "product-affected")).to.include("未被召回");
    const outsideProof = await page.$eval("main", (main) => {
      const copy = main.cloneNode(true) as typeof main;
      copy.querySelector("details")?.remove();
      return copy.textContent ?? "";
    });
    expect(outsideProof, "no wallet address in front of the shopper").to.not.match(/0x[0-9a-f]{40}/i);
    const colours = await page.$eval(
      '[data-testid="verdict"]',
      (banner) => banner.ownerDocument.defaultView!.getComputedStyle(banner).backgroundColor,
    );
    await page.close();
    const recalled = await visit("consumer-recalled", demo.pages.recalled);
    expect(await verdictOf(recalled)).to.deep.equal({ verdict: "recalled", word: "已召回" });
    expect(await bannerFact(recalled, "recall-reason")).to.include("水分超标");
    expect(await bannerFact(recalled, "recall-date")).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await bannerFact(recalled, "recall-contact")).to.equal(
      "0572-5000000 · recall@factory.demo.example",
    );
    const recallColour = await recalled.$eval(
      '[data-testid="verdict"]',
      (banner) => banner.ownerDocument.defaultView!.getComputedStyle(banner).backgroundColor,
    );
    expect(recallColour, "recall and revocation have their own colours").to.not.equal(colours);
    await recalled.close();
  });

  it("the first shopper shares an approximate location (asked only on a click); another picks a province", async () => {
    await demoSeeded();
    const context = await browser!.newContext({ viewport: PHONE, locale: "zh-CN" });
    await context.grantPermissions(["geolocation"]);
    // Anji county, Zhejiang: the service keeps the province, never the coordinates.
    await context.setGeolocation({ latitude: 30.6312, longitude: 119.6811 });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(`${request.method()} ${request.url()}`));
    await page.goto(demo.serial);
    expect(requested, "nothing is sent before the click").to.deep.equal([`GET ${demo.serial}`]);
    const share = page.getByTestId("share-location");
    expect((await share.textContent())?.trim()).to.equal("分享大致位置，帮助品牌识别假货");
    await share.click();
    await page.getByTestId("share-outcome").filter({ hasText: "已记录大致位置：浙江省" }).waitFor();
    const scanRegion = `${new URL(demo.serial).pathname}/scan-region`;
    expect(requested).to.deep.equal([`GET ${demo.serial}`, `POST ${baseUrl}${scanRegion}`]);
    // Shared once: the button stays disabled; after a reload, a second share that day is refused.
    expect(await share.isDisabled()).to.equal(true);
    await page.reload();
    await share.click();
    await page.getByTestId("share-outcome").filter({ hasText: "今天已分享过" }).waitFor();
    await page.screenshot({ path: path.join(OUTPUT, "consumer-share-region-phone.png"), fullPage: true });
    await context.close();

    // Without script or without permission: a province picked from the page's form (CSP form-action 'self').
    // (Another phone: same address, so its own browser string, else it is the same device.)
    const other = await browser!.newContext({
      viewport: PHONE,
      locale: "zh-CN",
      javaScriptEnabled: false,
      userAgent: "Mozilla/5.0 (Linux; Android 14; shopper-without-script)",
    });
    const picker = await other.newPage();
    await picker.goto(demo.serial);
    expect(await picker.getByTestId("share-location").isVisible(), "the button needs the script").to.equal(
      false,
    );
    await picker.selectOption('[data-testid="pick-region"] select', "11");
    await Promise.all([
      picker.waitForURL(`**${scanRegion}`),
      picker.click('[data-testid="pick-region"] button'),
    ]);
    expect((await picker.textContent('[data-testid="region-shared"] h2'))?.trim()).to.equal(
      "已记录大致位置：北京市",
    );
    await other.close();
  });

  it("a label scanned from many phones: the verdict is suspected-copy, with its first scan's time and place", async () => {
    for (let device = 1; device <= 6; device++) {
      const response = await fetch(demo.serial, { headers: { "user-agent": `shopper-phone-${device}` } });
      expect(response.status).to.equal(200);
    }
    const page = await visit("consumer-suspected-copy", demo.serial);
    expect(await verdictOf(page)).to.deep.equal({ verdict: "suspected-copy", word: "疑似仿冒" });
    expect(await page.textContent("main")).to.not.include("已验证");
    expect(await bannerFact(page, "first-scan")).to.match(/\(UTC\+8\)，浙江省$/);
    await page.close();
  });

  it("brand page: totals and label statistics; its licence table fits at 320, 768 and 1440 px", async () => {
    const page = await visit("brand", demo.brand);
    expect(await page.textContent('[data-testid="totals"]'))
      .to.include("已发放单品码")
      .and.include("被扫码的单品码");
    await page.close();
    for (const width of [320, 768, 1440]) {
      const context = await browser!.newContext({ viewport: { width, height: 900 }, locale: "zh-CN" });
      const sized = await context.newPage();
      await sized.goto(demo.brand);
      const layout = await sized.$eval("html", (root) => {
        const style = (element: typeof root) => root.ownerDocument.defaultView!.getComputedStyle(element);
        return {
          overflow: root.scrollWidth - root.ownerDocument.defaultView!.innerWidth,
          headVisible: style(root.querySelector(".rows thead")!).display !== "none",
          numbers: [...root.querySelectorAll(".rows td.num")].map((cell) => style(cell).display),
        };
      });
      expect(layout.overflow, `no horizontal scrolling at ${width} px`).to.be.at.most(0);
      expect(layout.headVisible, `header row at ${width} px`).to.equal(width >= 600);
      expect(new Set(layout.numbers), `number cells at ${width} px`).to.deep.equal(
        new Set([width >= 600 ? "table-cell" : "inline-block"]),
      );
      await sized.screenshot({ path: path.join(OUTPUT, `brand-${width}.png`), fullPage: true });
      await context.close();
    }
  });

  it("brand officers' report and audit pages from a signed link: Chinese, no overflow on a phone, axe-clean", async () => {
    const brandId = new URL(demo.brand).pathname.split("/")[2];
    const links = await post(adminKey, `/api/brands/${brandId}/page-links`, { hours: 1 });
    const report = await visit("brand-report", links.report);
    expect((await report.textContent('[data-testid="report-title"]'))?.trim()).to.equal(
      "安吉白茶 · 品牌报告",
    );
    const overflow = await report.$eval(
      "html",
      (root) => root.scrollWidth - root.ownerDocument.defaultView!.innerWidth,
    );
    expect(overflow, "no horizontal scrolling on a phone").to.be.at.most(0);
    await report.close();
    const audit = await phone.newPage();
    await audit.goto(links.audit);
    expect(await audit.textContent("body")).to.include("品牌审计");
    await audit.screenshot({ path: path.join(OUTPUT, "brand-audit-phone.png"), fullPage: true });
    await audit.close();
  });
  it("renders the Swagger UI at /docs under its own CSP, with nothing blocked", async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) blocked.push(message.text());
    });
    try {
      const response = await page.goto(`${baseUrl}/docs/`, { waitUntil: "load" });
      expect(response?.status()).to.equal(200);
      expect(response?.headers()["content-security-policy"]).to.include("script-src 'self'");
      await page.waitForSelector(".swagger-ui .info .title", { timeout: 30_000 });
      expect(await page.textContent(".swagger-ui .info .title")).to.include("EcoTrace API");
      expect(await page.locator(".opblock").count()).to.be.above(10);
      expect(blocked).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
