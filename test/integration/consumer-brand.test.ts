import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { startWorker } from "../helpers/anchoring";
import { createBrand, license } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, publicIdOf, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, pathOf } from "../helpers/verification";

const LOGO = { sha256: "ab".repeat(32), mediaType: "image/png", uri: "https://brand.example.org/anji.png" };

interface Check {
  name: string;
  status: string;
  detail: string;
}

describe("consumer page: brand and licence", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let owner: TestOrg;
  let factory: TestOrg;
  let brand: { id: string };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
    brand = await createBrand(server, owner, { requiredSchemes: [], logo: LOGO });
  });
  after(async () => {
    await worker.stop();
    await server.close();
  });

  const post = async (key: string, path: string, json: unknown = {}) => {
    const response = await http(server.baseUrl, "POST", path, { key, json });
    expect(response.status, `${path}: ${response.text}`).to.be.oneOf([200, 201]);
    return response.body;
  };
  const view = async (batch: { digitalLink: string }) => {
    const response = await http(server.baseUrl, "GET", pathOf(batch.digitalLink), {
      headers: { accept: "application/json" },
    });
    expect(response.status, response.text).to.equal(200);
    return response.body;
  };
  const html = async (batch: { digitalLink: string }, query = "") =>
    (await http(server.baseUrl, "GET", `${pathOf(batch.digitalLink)}${query}`)).text;
  const verify = async (batchId: string) =>
    (await http(server.baseUrl, "GET", `/api/verify/${await publicIdOf(server, batchId)}`)).body as {
      verdict: string;
      checks: Check[];
    };
  const licenceCheck = (body: { checks: Check[] }) =>
    body.checks.find((check) => check.name === "brand-licence");

  /** A producer licensed for the brand, with one branded batch of `kg`. */
  async function brandedBatch(name: string, kg = 200) {
    const producer = await createOrg(server, name, ["producer"]);
    const licence = await license(server, owner, brand.id, producer, { quota: { value: 1000, unit: "KGM" } });
    const batch = await createBatch(server, producer, {
      brand: brand.id,
      quantity: { value: kg, unit: "KGM" },
    });
    return { producer, licence, batch };
  }

  it("shows the brand, its logo reference and the licence with quota and live status (JSON and HTML)", async () => {
    const { producer, licence, batch } = await brandedBatch("黄杜村茶叶合作社", 200);
    await anchorNow(server);
    const body = await view(batch);
    expect(body.verdict).to.equal("verified");
    expect(body.brand).to.deep.include({
      id: brand.id,
      name: { zh: "安吉白茶", en: "Anji White Tea" },
      logo: LOGO,
    });
    expect(body.brand.page).to.match(new RegExp(`/brands/${brand.id}$`));
    expect(body.brand.licences).to.have.length(1);
    expect(body.brand.licences[0]).to.deep.include({
      id: licence.id,
      producer: { id: producer.id, name: "黄杜村茶叶合作社" },
      category: "tea",
      period: { from: "2026-03-01", until: "2026-12-31" },
      status: "active",
      quota: { value: 1000, unit: "KGM" },
      used: { value: 200, unit: "KGM" },
      remaining: { value: 800, unit: "KGM" },
      inherited: false,
    });
    expect(licenceCheck(body)).to.deep.include({ status: "pass" });
    expect(licenceCheck(body)!.detail).to.include(licence.id).and.include("is active");

    const page = await html(batch);
    expect(page).to.include('data-testid="brand"').and.include(`href="/brands/${brand.id}"`);
    expect(page).to.include("安吉白茶</a> · Anji White Tea").and.include(`sha256 ${LOGO.sha256}`);
    expect(page).to.include(`data-licence="${licence.id}" data-status="active"`);
    expect(page)
      .to.include("授权配额 1000 千克")
      .and.include("已用 200 千克")
      .and.include("黄杜村茶叶合作社");
    expect(page).to.include('data-check="brand-licence" data-status="pass"');
    expect(page, "the logo is a reference, never loaded").to.not.match(/<img|src=/i);

    const english = await html(batch, "?lang=en");
    expect(english)
      .to.include(`href="/brands/${brand.id}?lang=en"`)
      .and.include("Anji White Tea</a> · 安吉白茶")
      .and.include("Quota 1000 kg")
      .and.include("Brand licence");
    const api = await verify(batch.id);
    expect(api.verdict).to.equal(body.verdict);
    expect(api.checks).to.deep.equal(body.checks);
  });

  it("keeps the verdict under a suspended licence and shows a warning with the reason", async () => {
    const { licence, batch } = await brandedBatch("溪龙乡茶场");
    await anchorNow(server);
    expect((await view(batch)).verdict).to.equal("verified");
    await post(owner.key, `/api/licences/${licence.id}/suspend`, { reason: "包装标识整改" });

    const body = await view(batch);
    expect(body.verdict).to.equal("verified");
    expect(body.brand.licences[0]).to.include({ status: "suspended", statusReason: "包装标识整改" });
    expect(licenceCheck(body)).to.deep.include({ status: "warn" });
    expect(licenceCheck(body)!.detail).to.include("is suspended").and.include("包装标识整改");
    const page = await html(batch);
    expect(page).to.include('data-verdict="verified"').and.include('data-testid="licence-suspended"');
    expect(page).to.include("品牌授权已暂停").and.include("包装标识整改");
    expect(page).to.include('data-check="brand-licence" data-status="warn"').and.include("警示");
    expect(await html(batch, "?lang=en")).to.include("Brand licence suspended");
    const api = await verify(batch.id);
    expect(api.verdict).to.equal("verified");
    expect(licenceCheck(api)).to.deep.include({ status: "warn" });
  });

  it("turns the verdict to revoked under a revoked licence, naming the licence and its reason, through splits too", async () => {
    const { producer, licence, batch } = await brandedBatch("大溪村茶农", 300);
    const offered = await post(producer.key, `/api/batches/${batch.id}/transfers`, {
      to: factory.id,
      quantity: { value: 100, unit: "KGM" },
    });
    const child = (
      await http(server.baseUrl, "GET", `/api/batches/${offered.transfer.batchId}`, { key: producer.key })
    ).body;
    expect(child).to.include({ brandId: brand.id, licenceId: licence.id });
    await anchorNow(server);
    expect((await view(child)).verdict).to.equal("verified");
    await post(owner.key, `/api/licences/${licence.id}/revoke`, { reason: "冒用品牌：超出茶园面积收购鲜叶" });

    for (const subject of [batch, child]) {
      const body = await view(subject);
      expect(body.verdict, subject.id).to.equal("revoked");
      const check = licenceCheck(body)!;
      expect(check.status).to.equal("fail");
      expect(check.detail)
        .to.include(licence.id)
        .and.include("was revoked by the brand owner")
        .and.include("冒用品牌：超出茶园面积收购鲜叶");
      expect(body.checks.find((item: Check) => item.name === "certifications").status).to.equal("pass");
      const api = await verify(subject.id);
      expect(api.verdict).to.equal("revoked");
      expect(api.checks).to.deep.equal(body.checks);
    }
    const page = await html(child);
    expect(page).to.include('data-verdict="revoked"').and.include('data-testid="licence-revoked"');
    expect(page).to.include("品牌授权已撤销").and.include("冒用品牌：超出茶园面积收购鲜叶");
    expect(page).to.include(`data-licence="${licence.id}" data-status="revoked"`);
    expect(await html(child, "?lang=en"))
      .to.include("Brand licence revoked")
      .and.include("Certificate or licence revoked");
  });

  it("judges a transformation of two producers' branded leaves by both licences", async () => {
    const first = await brandedBatch("黄杜村一组", 100);
    const second = await brandedBatch("黄杜村二组", 100);
    for (const { producer, batch } of [first, second]) {
      const offered = await post(producer.key, `/api/batches/${batch.id}/transfers`, { to: factory.id });
      await post(factory.key, `/api/transfers/${offered.transfer.id}/accept`);
    }
    const made = await post(factory.key, "/api/transformations", {
      inputs: [first, second].map(({ batch }) => ({
        batchId: batch.id,
        quantity: { value: 100, unit: "KGM" },
      })),
      outputs: [
        {
          product: { name: "安吉白茶 成品", category: "tea" },
          quantity: { value: 50, unit: "KGM" },
          brand: brand.id,
        },
      ],
    });
    const output = made.outputs[0];
    expect(output.licenceId).to.equal(first.licence.id);
    const before = await view(output);
    expect(
      before.brand.licences.map((item: { id: string; inherited: boolean }) => [item.id, item.inherited]),
    ).to.have.deep.members([
      [first.licence.id, false],
      [second.licence.id, true],
    ]);
    expect(before.verdict).to.not.equal("revoked");

    await post(owner.key, `/api/licences/${second.licence.id}/revoke`, { reason: "退出合作社" });
    const body = await view(output);
    expect(body.verdict).to.equal("revoked");
    expect(licenceCheck(body)!.detail)
      .to.include(second.licence.id)
      .and.not.include(`${first.licence.id} was`);
    expect((await verify(output.id)).verdict).to.equal("revoked");
  });

  it("adds no brand and no licence check to an unbranded batch", async () => {
    const producer = await createOrg(server, "无品牌茶场", ["producer"]);
    const batch = await createBatch(server, producer);
    const body = await view(batch);
    expect(body.brand).to.equal(null);
    expect(licenceCheck(body)).to.equal(undefined);
    expect(await html(batch)).to.not.include('data-testid="brand"');
  });
});
