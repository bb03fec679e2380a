import { expect } from "chai";
import {
  batchDraft,
  certificationDomainOf,
  createCertifier,
  signCertification,
  signStatusChange,
  type TestCertifier,
} from "../helpers/certification-scenario";
import type { CertifiedProducer } from "../../server/modules/certifications/certified-producers";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * What certifiers and regulators oversee (issue 17): a certifier's producers and batches
 * (GET /api/certified-producers) and the regional overview of recalls and revocations
 * (GET /api/regional-overview).
 */
describe("oversight API: certified producers and the regional overview", () => {
  let env: TestEnv;
  let server: TestServer;
  let anji: TestOrg;
  let wuchang: TestOrg;
  let certifier: TestCertifier;
  let other: TestCertifier;
  let auditor: TestOrg;
  let teaId: string;
  let riceId: string;
  let laterRiceId: string;
  let teaCertificationId: string;
  let wuchangCertificationId: string;

  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });
  const post = (key: string, path: string, json: unknown) =>
    http(server.baseUrl, "POST", path, { key, json });
  const wuchangRice = () => ({
    product: { name: "五常大米 稻花香", category: "rice" },
    origin: { place: "民乐朝鲜族乡", regionCode: "230184", harvestedAt: "2026-04-12" },
  });

  async function certify(by: TestCertifier, draft: ReturnType<typeof batchDraft>) {
    const domain = await certificationDomainOf(server, by.key);
    const signed = await signCertification(domain, draft, by.wallet.address, by.wallet);
    const created = await post(by.key, "/api/certifications", signed);
    expect(created.status, created.text).to.equal(201);
    return created.body.id as string;
  }

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    anji = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    wuchang = await createOrg(server, "五常市稻花香合作社", ["producer"]);
    auditor = await createOrg(server, "国家市场监督管理总局", ["auditor"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    other = await createCertifier(server, "南京国环有机产品认证中心");
    teaId = (await createBatch(server, anji)).id;
    riceId = (await createBatch(server, wuchang, wuchangRice())).id;
    teaCertificationId = await certify(certifier, batchDraft(teaId));
    wuchangCertificationId = await certify(
      certifier,
      // Valid since before the harvests, so it covers the producer's rice batches.
      batchDraft(wuchang.id, {
        subject: { kind: "producer", id: wuchang.id },
        scope: { category: "rice" },
        issuedAt: "2026-01-01",
        validFrom: "2026-01-01",
      }),
    );
    laterRiceId = (await createBatch(server, wuchang, wuchangRice())).id;
    await certify(other, batchDraft((await createBatch(server, anji)).id));
  });
  after(() => server.close());

  describe("GET /api/certified-producers", () => {
    it("lists each producer a certifier's certifications name, with those certifications and the batches they were recorded on", async () => {
      const response = await get(certifier.key, "/api/certified-producers");
      expect(response.status, response.text).to.equal(200);
      const byName = new Map<string | null, CertifiedProducer>(
        response.body.items.map((item: CertifiedProducer) => [item.producer.name, item]),
      );
      expect([...byName.keys()].sort()).to.deep.equal(["五常市稻花香合作社", "安吉县溪龙乡白茶合作社"]);

      const tea = byName.get("安吉县溪龙乡白茶合作社")!;
      expect(tea.producer.id).to.equal(anji.id);
      expect(tea.certifications).to.have.length(1);
      expect(tea.certifications[0]).to.deep.include({ id: teaCertificationId, state: "valid" });
      expect(tea.batchCount).to.equal(1);
      expect(tea.batches[0]).to.deep.include({
        id: teaId,
        status: "active",
        certificationIds: [teaCertificationId],
      });
      expect(tea.batches[0].digitalLink).to.match(/^http/);
      expect(tea.batches[0].origin.regionCode).to.equal("330523");

      const rice = byName.get("五常市稻花香合作社")!;
      expect(rice.certifications.map((item: { id: string }) => item.id)).to.deep.equal([
        wuchangCertificationId,
      ]);
      expect(rice.certifications[0].subject).to.deep.equal({ kind: "producer", id: wuchang.id });
      // The batch registered before the certification was covered when it was submitted; the later
      // one only once its coverage is recorded.
      expect(rice.batches.map((batch: { id: string }) => batch.id)).to.deep.equal([riceId]);
      const covered = await post(certifier.key, `/api/certifications/${wuchangCertificationId}/coverage`, {});
      expect(covered.status, covered.text).to.equal(200);
      const after = (await get(certifier.key, "/api/certified-producers")).body.items.find(
        (item: { producer: { id: string } }) => item.producer.id === wuchang.id,
      );
      expect(after.batches.map((batch: { id: string }) => batch.id)).to.deep.equal([laterRiceId, riceId]);
      expect(after.batchCount).to.equal(2);
    });

    it("shows another certifier only its own producers, refuses producers and auditors, and names a bad limit", async () => {
      const theirs = await get(other.key, "/api/certified-producers");
      expect(theirs.body.items.map((item: { producer: { id: string } }) => item.producer.id)).to.deep.equal([
        anji.id,
      ]);
      expect(theirs.body.items[0].batches.map((batch: { id: string }) => batch.id)).to.not.include(teaId);
      expect((await get(anji.key, "/api/certified-producers")).status).to.equal(403);
      expect((await get(auditor.key, "/api/certified-producers")).status).to.equal(403);
      const bad = await get(certifier.key, "/api/certified-producers?limit=0");
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].field).to.equal("query.limit");
    });
  });

  describe("GET /api/audit/runs", () => {
    it("lists a certifier's own runs newest first and every run to an auditor, without findings", async () => {
      const mine = await post(certifier.key, "/api/audit/runs", { scope: { orgId: anji.id } });
      expect(mine.status, mine.text).to.equal(202);
      const theirs = await post(auditor.key, "/api/audit/runs", { scope: { regionCode: "23" } });
      expect(theirs.status, theirs.text).to.equal(202);
      const own = await get(certifier.key, "/api/audit/runs");
      expect(own.status, own.text).to.equal(200);
      expect(own.body.items.map((run: { id: string }) => run.id)).to.deep.equal([mine.body.id]);
      expect(own.body.items[0].scope).to.deep.equal({ orgId: anji.id });
      const all = await get(auditor.key, "/api/audit/runs?limit=2");
      expect(all.body.items.map((run: { id: string }) => run.id)).to.deep.equal([
        theirs.body.id,
        mine.body.id,
      ]);
      expect(all.body.items[0]).to.not.have.property("findings");
      expect((await get(anji.key, "/api/audit/runs")).status).to.equal(403);
      const bad = await get(auditor.key, "/api/audit/runs?limit=501");
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].field).to.equal("query.limit");
    });
  });

  describe("GET /api/regional-overview", () => {
    before(async () => {
      const recall = await post(anji.key, `/api/batches/${teaId}/events`, {
        type: "recalling",
        eventTime: "2026-05-01T00:00:00Z",
        data: { reason: "农残超标" },
      });
      expect(recall.status, recall.text).to.equal(201);
      const { relayPath, body } = await signStatusChange(
        server,
        certifier,
        wuchangCertificationId,
        "revoked",
        "生产记录造假，撤销证书",
      );
      const revoked = await post(certifier.key, relayPath, body);
      expect(revoked.status, revoked.text).to.equal(201);
    });

    it("counts recalls and revocations per province for the whole country, with the lists behind them", async () => {
      const response = await get(auditor.key, "/api/regional-overview");
      expect(response.status, response.text).to.equal(200);
      const overview = response.body;
      expect(overview).to.deep.include({ regionCode: null, groupLevel: "province" });
      expect(overview.totals).to.deep.equal({ recalls: 1, revocations: 1 });
      expect(overview.groups).to.deep.equal([
        { regionCode: "23", name: "黑龙江省", recalls: 0, revocations: 1 },
        { regionCode: "33", name: "浙江省", recalls: 1, revocations: 0 },
      ]);
      expect(overview.recalls).to.have.length(1);
      expect(overview.recalls[0]).to.deep.include({
        batchId: teaId,
        regionCode: "330523",
        regionName: "安吉县",
        recalledAt: "2026-05-01T00:00:00.000Z",
        reason: "农残超标",
      });
      expect(overview.recalls[0].producer).to.deep.equal({ id: anji.id, name: "安吉县溪龙乡白茶合作社" });
      expect(overview.revocations).to.have.length(1);
      expect(overview.revocations[0]).to.deep.include({
        certificationId: wuchangCertificationId,
        certifierName: "中绿华夏有机食品认证中心",
        reason: "生产记录造假，撤销证书",
      });
      expect(overview.revocations[0].regionCodes).to.deep.equal(["230184"]);
      expect(overview.revocations[0].revokedAt).to.match(/^\d{4}-/);
    });

    it("narrows to a province by city and to a city by county", async () => {
      const zhejiang = (await get(auditor.key, "/api/regional-overview?regionCode=33")).body;
      expect(zhejiang).to.deep.include({ regionCode: "33", name: "浙江省", groupLevel: "city" });
      expect(zhejiang.groups).to.deep.equal([
        { regionCode: "3305", name: "湖州市", recalls: 1, revocations: 0 },
      ]);
      expect(zhejiang.revocations).to.deep.equal([]);
      const huzhou = (await get(auditor.key, "/api/regional-overview?regionCode=3305")).body;
      expect(huzhou.groupLevel).to.equal("county");
      expect(huzhou.groups).to.deep.equal([
        { regionCode: "330523", name: "安吉县", recalls: 1, revocations: 0 },
      ]);
      const heilongjiang = (await get(auditor.key, "/api/regional-overview?regionCode=23")).body;
      expect(heilongjiang.totals).to.deep.equal({ recalls: 0, revocations: 1 });
      expect(heilongjiang.groups).to.deep.equal([
        { regionCode: "2301", name: "哈尔滨市", recalls: 0, revocations: 1 },
      ]);
    });

    it("is for auditors and admins only, and names a malformed region code", async () => {
      expect((await get(server.adminKey, "/api/regional-overview")).status).to.equal(200);
      expect((await get(certifier.key, "/api/regional-overview")).status).to.equal(403);
      expect((await get(anji.key, "/api/regional-overview")).status).to.equal(403);
      const bad = await get(auditor.key, "/api/regional-overview?regionCode=3305x");
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].field).to.equal("query.regionCode");
    });
  });

  it("documents the new routes and the region scope in the OpenAPI document", async () => {
    const { paths } = (await http(server.baseUrl, "GET", "/openapi.json")).body;
    const parameters = (path: string) =>
      paths[path].get.parameters.map((parameter: { name: string }) => parameter.name);
    expect(parameters("/api/certified-producers")).to.include("limit");
    expect(parameters("/api/regional-overview")).to.include("regionCode");
    expect(parameters("/api/audit/runs")).to.include("limit");
    const runBody = paths["/api/audit/runs"].post.requestBody.content["application/json"].schema;
    expect(runBody.properties.scope.properties.regionCode.pattern).to.equal("^\\d{2}(\\d{2}){0,2}$");
  });
});
