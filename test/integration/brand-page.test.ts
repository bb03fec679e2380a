import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { startWorker } from "../helpers/anchoring";
import { certifyProducer, createBrand, license } from "../helpers/brand-scenario";
import { createCertifier, signStatusChange, type TestCertifier } from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow } from "../helpers/verification";

describe("brand page (/brands/:id, public)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let owner: TestOrg;
  let farm: TestOrg;
  let newcomer: TestOrg;
  let certifier: TestCertifier;
  let certification: { id: string; certHash: string };
  let brand: { id: string };
  let farmLicence: { id: string };
  let newcomerLicence: { id: string };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    newcomer = await createOrg(server, "溪龙乡新茶场", ["producer"]);
    certifier = await createCertifier(server, "中国质量认证中心");
    certification = await certifyProducer(server, certifier, farm);
    brand = await createBrand(server, owner);
    farmLicence = await license(server, owner, brand.id, farm, { quota: { value: 1000, unit: "KGM" } });
    newcomerLicence = await license(server, owner, brand.id, newcomer, {
      quota: { value: 300, unit: "KGM" },
      period: { from: "2026-04-01", until: "2026-10-31" },
    });
    await createBatch(server, farm, { brand: brand.id, quantity: { value: 500, unit: "KGM" } });
    await createBatch(server, farm, { brand: brand.id, quantity: { value: 120, unit: "KGM" } });
  });
  after(async () => {
    await worker.stop();
    await server.close();
  });

  const json = (path: string) =>
    http(server.baseUrl, "GET", path, { headers: { accept: "application/json" } });
  const page = (path: string, headers: Record<string, string> = {}) =>
    http(server.baseUrl, "GET", path, { headers });
  const row = (html: string, licenceId: string) => {
    const match = new RegExp(`<tr[^>]*data-licence="${licenceId}"[^>]*>([\\s\\S]*?)</tr>`).exec(html);
    expect(match, `row of licence ${licenceId}`).to.not.equal(null);
    return match![0];
  };

  const cell = (rowHtml: string, column: string) =>
    new RegExp(`<td[^>]*data-col="${column}"[^>]*>([^<]*)</td>`).exec(rowHtml)?.[1];

  it("answers JSON with the brand's terms, licences with quota used and remaining, certifications and register head", async () => {
    const response = await json(`/brands/${brand.id}`);
    expect(response.status, response.text).to.equal(200);
    const view = response.body;
    expect(view).to.deep.include({
      id: brand.id,
      name: { zh: "安吉白茶", en: "Anji White Tea" },
      owner: { id: owner.id, name: "安吉县白茶产业协会" },
      regions: [{ code: "330523", province: { zh: "浙江省", en: "Zhejiang" } }],
      categories: ["tea"],
      requiredSchemes: [
        { code: "geographical-indication", name: { zh: "地理标志", en: "Geographical indication" } },
      ],
      logo: null,
    });
    const byId = new Map(view.licences.map((licence: { id: string }) => [licence.id, licence]));
    expect(byId.get(farmLicence.id)).to.deep.include({
      producer: { id: farm.id, name: "黄杜村茶叶合作社" },
      status: "active",
      quota: { value: 1000, unit: "KGM" },
      used: { value: 620, unit: "KGM" },
      remaining: { value: 380, unit: "KGM" },
      usedShare: 0.62,
    });
    expect(byId.get(newcomerLicence.id)).to.deep.include({
      producer: { id: newcomer.id, name: "溪龙乡新茶场" },
      period: { from: "2026-04-01", until: "2026-10-31" },
      used: { value: 0, unit: "KGM" },
      remaining: { value: 300, unit: "KGM" },
      usedShare: 0,
    });
    const farmCerts = view.producers.find(
      (producer: { id: string }) => producer.id === farm.id,
    ).certifications;
    expect(farmCerts).to.have.length(1);
    expect(farmCerts[0]).to.deep.include({
      certHash: certification.certHash,
      scheme: "geographical-indication",
      status: "valid",
      required: true,
      subject: { kind: "producer", plot: null },
      certifier: { address: certifier.wallet.address.toLowerCase(), name: "中国质量认证中心" },
    });
    expect(
      view.producers.find((producer: { id: string }) => producer.id === newcomer.id).certifications,
    ).to.deep.equal([]);
    expect(view.register).to.deep.include({ seq: 3 });
    expect(view.register.hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(view.register.events).to.match(new RegExp(`/api/brands/${brand.id}/events$`));
    const events = (await http(server.baseUrl, "GET", `/api/brands/${brand.id}/events`)).body.items;
    expect(events.at(-1)).to.include({ seq: 3, hash: view.register.hash });
  });

  it("renders the page in Chinese by default: terms, producer table with bars, certifications, register", async () => {
    const response = await page(`/brands/${brand.id}`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/html/);
    expect(response.headers.get("content-language")).to.equal("zh-CN");
    expect(response.headers.get("content-security-policy")).to.include("default-src 'none'");
    const html = response.text;
    expect(html).to.match(/<html lang="zh-CN">/);
    expect(html).to.include('<h1 data-testid="brand-name">安吉白茶</h1>').and.include("Anji White Tea");
    expect(html).to.include("安吉县白茶产业协会").and.include("浙江省湖州市安吉县").and.include("地理标志");
    const farmRow = row(html, farmLicence.id);
    expect(farmRow)
      .to.include("黄杜村茶叶合作社")
      .and.include("茶叶 · 2026-03-01 – 2026-12-31")
      .and.include('style="width:62.0%"')
      .and.include("有效");
    expect(cell(farmRow, "quota")).to.equal("1000 千克");
    expect(cell(farmRow, "used")).to.equal("620 千克");
    expect(cell(farmRow, "remaining")).to.equal("380 千克");
    expect(row(html, newcomerLicence.id))
      .to.include('style="width:0.0%"')
      .and.include('data-label="剩余">300 千克');
    expect(html).to.include(`data-cert="${certification.certHash}" data-status="valid"`);
    expect(html).to.include('data-testid="missing-required"');
    expect(html).to.include(`href="/api/brands/${brand.id}/events"`);
    expect(html).to.not.match(/<script|<link|<img|<iframe|@import|url\(|src=/i);
    for (const [, href] of html.matchAll(/href="([^"]+)"/g))
      expect(href.startsWith("/"), href).to.equal(true);
  });

  it("speaks English with ?lang=en or an English Accept-Language", async () => {
    const html = (await page(`/brands/${brand.id}?lang=en`)).text;
    expect(html).to.match(/<html lang="en">/);
    expect(html)
      .to.include('<h1 data-testid="brand-name">Anji White Tea</h1>')
      .and.include("Licensed producers")
      .and.include("Zhejiang, 湖州市, 安吉县")
      .and.include("Geographical indication")
      .and.include(`href="/brands/${brand.id}?lang=zh"`);
    const byHeader = await page(`/brands/${brand.id}`, { "accept-language": "en-US,en;q=0.9" });
    expect(byHeader.headers.get("content-language")).to.equal("en");
    expect(byHeader.text).to.include("Remaining");
  });

  it("shows suspensions and revocations with their reasons", async () => {
    const other = await createOrg(server, "退出的茶场", ["producer"]);
    const licence = await license(server, owner, brand.id, other);
    const suspended = await http(server.baseUrl, "POST", `/api/licences/${newcomerLicence.id}/suspend`, {
      key: owner.key,
      json: { reason: "未按期提交生产记录" },
    });
    expect(suspended.status, suspended.text).to.equal(200);
    const revoked = await http(server.baseUrl, "POST", `/api/licences/${licence.id}/revoke`, {
      key: owner.key,
      json: { reason: "转让授权" },
    });
    expect(revoked.status, revoked.text).to.equal(200);
    const html = (await page(`/brands/${brand.id}`)).text;
    expect(row(html, newcomerLicence.id))
      .to.include('data-status="suspended"')
      .and.include("未按期提交生产记录");
    expect(row(html, licence.id)).to.include('data-status="revoked"').and.include("原因: 转让授权");
    const view = (await json(`/brands/${brand.id}`)).body;
    expect(view.register.seq).to.equal(6);
    const reinstated = await http(server.baseUrl, "POST", `/api/licences/${newcomerLicence.id}/reinstate`, {
      key: owner.key,
      json: {},
    });
    expect(reinstated.status, reinstated.text).to.equal(200);
  });

  it("shows the register head anchored once the worker anchored it", async () => {
    await anchorNow(server);
    const view = (await json(`/brands/${brand.id}`)).body;
    expect(view.register.anchor).to.not.equal(null);
    expect(view.register.anchor.root).to.match(/^0x[0-9a-f]{64}$/);
    expect(view.register.anchor.blockNumber).to.be.a("number");
    const html = (await page(`/brands/${brand.id}`)).text;
    expect(html).to.include('data-anchored="true"').and.include(view.register.anchor.root);
  });

  it("shows a certification revoked on chain by its certifier as revoked", async () => {
    const { relayPath, body } = await signStatusChange(
      server,
      certifier,
      certification.id,
      "revoked",
      "标志滥用",
    );
    const relayed = await http(server.baseUrl, "POST", relayPath, { key: certifier.key, json: body });
    expect(relayed.status, relayed.text).to.equal(201);
    const view = (await json(`/brands/${brand.id}`)).body;
    const [cert] = view.producers.find((producer: { id: string }) => producer.id === farm.id).certifications;
    expect(cert.status).to.equal("revoked");
    expect(cert.reason).to.match(/^revoked on chain by 0x[0-9a-f]{40}/);
    const html = (await page(`/brands/${brand.id}`)).text;
    expect(html)
      .to.include(`data-cert="${certification.certHash}" data-status="revoked"`)
      .and.include("已撤销");
  });

  describe("unknown and malformed ids", () => {
    for (const id of [
      "0123456789abcdef01234567",
      "not-a-brand",
      "%E5%AE%89%E5%90%89",
      "ABCDEF0123456789ABCDEF01",
    ]) {
      it(`answers 404 for ${decodeURIComponent(id)}: a bilingual page, or the JSON error`, async () => {
        const html = await page(`/brands/${id}`);
        expect(html.status).to.equal(404);
        expect(html.headers.get("content-type")).to.match(/^text\/html/);
        expect(html.headers.get("content-security-policy")).to.include("default-src 'none'");
        expect(html.text).to.include("未找到该品牌").and.include("No such brand");
        const english = await page(`/brands/${id}?lang=en`);
        expect(english.status).to.equal(404);
        expect(english.text)
          .to.match(/<html lang="en">/)
          .and.include("<h2>No such brand</h2>");
        const data = await json(`/brands/${id}`);
        expect(data.status).to.equal(404);
        expect(data.body.error.code).to.equal("NOT_FOUND");
      });
    }

    it("refuses an unknown language with 400 naming the field", async () => {
      const response = await json(`/brands/${brand.id}?lang=fr`);
      expect(response.status).to.equal(400);
      expect(response.body.error.details[0].field).to.equal("query.lang");
    });
  });
});
