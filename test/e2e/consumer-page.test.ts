import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser } from "playwright-core";
import { findFreePort } from "../../server/platform/net/free-port";
import { anjiBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { hasNumber } from "../helpers/text";
import { teaBatch } from "../helpers/scenario";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";
import { decodeQrPng } from "../helpers/verification";

const CHROMIUM = "/usr/bin/chromium";
const OUTPUT = path.resolve(__dirname, "../../test-output");

/**
 * What a shopper does: the QR code printed on the package is decoded by a real QR decoder, the
 * decoded URL is opened in a real browser (headless Chromium) against the service started as
 * `npm start` starts it, and the page shows the verdict and the journey; its brand link opens the
 * brand's page with the licensed producers. Screenshots are written
 * to test-output/ for people to look at.
 */
describe("consumer page in a browser (QR → URL → Chromium)", function () {
  this.timeout(240_000);
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  let adminKey: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(
        `    skipped: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run installs it)`,
      );
      this.skip();
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-e2e-page-"));
    const port = await findFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = spawnService({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_BASE_URL: baseUrl });
    await waitUntilServing(service);
    adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
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
        .and.include("农药残留: 0.01 mg/kg — 合格")
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
      expect(rows[0]).to.deep.include({ status: "active", used: "500 KGM", remaining: "4500 KGM" });
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
        .and.include("召回警告");
      const journey = await page.$$eval('[data-testid="journey"] > li', (items) =>
        items.map((item) => item.getAttribute("data-type")),
      );
      expect(journey).to.include("recalling");
      await page.screenshot({ path: path.join(OUTPUT, "consumer-page-recalled.png"), fullPage: true });
    } finally {
      await context.close();
    }
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
