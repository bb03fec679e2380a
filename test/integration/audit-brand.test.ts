import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { recordEvents, startWorker, waitFor, waitUntilAllAnchored } from "../helpers/anchoring";
import { createBrand, license } from "../helpers/brand-scenario";
import { createCertifier } from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

interface Finding {
  kind: string;
  batchId: string | null;
  brandId?: string;
  eventId?: string;
  seq?: number;
  detail: string;
}

const where = (findings: Finding[]) =>
  findings
    .map(
      (finding) => `${finding.kind}@${finding.brandId ? "brand" : "batch"}:${finding.eventId ?? finding.seq}`,
    )
    .sort();

describe("audit runs over a brand (scope.brandId)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker | undefined;
  let listening: Server | undefined;
  let owner: TestOrg;
  let farm: TestOrg;
  let auditor: TestOrg;
  let brandId: string;
  let licenceId: string;

  before(async () => {
    env = await testEnv();
  });
  beforeEach(async () => {
    await clearDatabase(env);
    const plain = await startTestServer(env);
    await plain.close();
    worker = startWorker(env.runtime.connection, env.runtime.chain, { intervalMs: 60_000 });
    const app = createApp({
      config: env.config,
      logger: createLogger("silent"),
      ...env.runtime,
      anchorWorker: worker,
    });
    listening = await new Promise<Server>((resolve) => {
      const started = app.listen(0, "127.0.0.1", () => resolve(started));
    });
    server = {
      baseUrl: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`,
      adminKey: plain.adminKey,
      close: async () => undefined,
    };
    owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    auditor = await createOrg(server, "浙江省市场监督管理局", ["auditor"]);
    brandId = (await createBrand(server, owner, { requiredSchemes: [] })).id;
    licenceId = (await license(server, owner, brandId, farm)).id;
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await new Promise((resolve) => listening?.close(resolve));
  });

  const db = () => env.runtime.connection.db!;
  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });
  const start = (key: string, scope: Record<string, unknown>) =>
    http(server.baseUrl, "POST", "/api/audit/runs", { key, json: { scope } });

  async function finishedRun(scope: Record<string, unknown>, key = auditor.key) {
    const started = await start(key, scope);
    expect(started.status, started.text).to.equal(202);
    const run = await waitFor("the audit run to finish", async () => {
      const polled = await get(key, `/api/audit/runs/${started.body.id}`);
      expect(polled.status, polled.text).to.equal(200);
      return polled.body.state === "done" || polled.body.state === "failed" ? polled.body : null;
    });
    expect(run.state, JSON.stringify(run)).to.equal("done");
    const report = await get(key, `/api/audit/runs/${run.id}/report.json`);
    expect(report.status, report.text).to.equal(200);
    return { run, findings: report.body.findings as Finding[] };
  }

  /** Two branded batches and one without the brand, each with events; everything anchored. */
  async function anchoredBrand() {
    const batches = [];
    for (const brand of [brandId, brandId, undefined]) {
      const batch = await createBatch(server, farm, brand ? { brand } : {});
      await recordEvents(server, farm, batch.id, 2);
      batches.push(batch.id as string);
    }
    const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
    expect(run.status, run.text).to.equal(200);
    await waitUntilAllAnchored(env.runtime.connection);
    return { branded: batches.slice(0, 2), unbranded: batches[2] };
  }

  const registerEvent = async (type: string) =>
    (await db()
      .collection("traceevents")
      .findOne({ batchId: new Types.ObjectId(brandId), subject: "brand", type }))!;
  const batchEvent = async (batchId: string, seq: number) =>
    (await db()
      .collection("traceevents")
      .findOne({ batchId: new Types.ObjectId(batchId), seq }))!;

  it("audits every batch carrying the brand and the brand's licence register, and finds nothing in clean records", async () => {
    await anchoredBrand();
    const { run, findings } = await finishedRun({ brandId });
    expect(findings).to.deep.equal([]);
    // 2 branded batches × 3 events, and the register: brand_registered + licence_issued.
    expect(run.progress).to.deep.equal({ checkedBatches: 2, totalBatches: 2, checkedEvents: 8 });
    expect(run.scope).to.deep.equal({ brandId });
  });

  it("reports a licence_issued event changed in the database as tampered content of that register event", async () => {
    const { branded, unbranded } = await anchoredBrand();
    const issued = await registerEvent("licence_issued");
    await db()
      .collection("traceevents")
      .updateOne({ _id: issued._id }, { $set: { "body.data.quota.value": 100_000 } });
    await db()
      .collection("traceevents")
      .updateOne({ _id: (await batchEvent(unbranded, 2))._id }, { $set: { "body.data.sample": 1 } });
    const { run, findings } = await finishedRun({ brandId });
    expect(where(findings)).to.deep.equal([`tampered_content@brand:${issued._id.toHexString()}`]);
    expect(findings[0]).to.deep.include({ batchId: null, brandId, seq: 2 });
    expect(run.countsByKind).to.deep.equal({ tampered_content: 1 });

    const csv = await get(auditor.key, `/api/audit/runs/${run.id}/report.csv`);
    const lines = csv.text.trim().split("\r\n");
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(new RegExp(`^tampered_content,,${issued._id.toHexString()},2,,.*,${brandId}$`));
    const html = await get(auditor.key, `/api/audit/runs/${run.id}/report.html`);
    expect(html.text).to.include("品牌登记簿").and.include(brandId);

    const tampered = await batchEvent(branded[1], 3);
    await db()
      .collection("traceevents")
      .updateOne({ _id: tampered._id }, { $set: { "body.data.sample": 2 } });
    const again = await finishedRun({ brandId });
    expect(where(again.findings)).to.deep.equal(
      [
        `tampered_content@brand:${issued._id.toHexString()}`,
        `tampered_content@batch:${tampered._id.toHexString()}`,
      ].sort(),
    );
  });

  it("checks the register's links and head like a batch chain: a deleted register event is missing", async () => {
    await anchoredBrand();
    const suspended = await http(server.baseUrl, "POST", `/api/licences/${licenceId}/suspend`, {
      key: owner.key,
      json: { reason: "抽检" },
    });
    expect(suspended.status).to.equal(200);
    await db()
      .collection("traceevents")
      .deleteOne({ _id: (await registerEvent("licence_issued"))._id });
    const { findings } = await finishedRun({ brandId }, owner.key);
    // The anchored window still lists the deleted event: its leaf list no longer matches the store.
    expect(findings.map((finding) => [finding.kind, finding.brandId, finding.seq])).to.deep.equal([
      ["missing_event", brandId, 2],
      ["window_leaf_mismatch", undefined, undefined],
    ]);
  });

  describe("access", () => {
    it("is for the brand's owner, auditors and admins; other brand owners and certifiers are refused", async () => {
      const otherOwner = await createOrg(server, "五常市大米协会", ["brand_owner"]);
      const certifier = await createCertifier(server, "中绿华夏有机食品认证中心", { register: false });
      const mine = await start(owner.key, { brandId });
      expect(mine.status, mine.text).to.equal(202);
      expect((await start(auditor.key, { brandId })).status).to.equal(202);
      expect((await start(server.adminKey, { brandId })).status).to.equal(202);
      const theirs = await start(otherOwner.key, { brandId });
      expect(theirs.status).to.equal(403);
      expect(theirs.body.error.message).to.equal(
        "only the brand's owner, auditors and admins can audit a brand",
      );
      expect((await start(certifier.key, { brandId })).status).to.equal(403);
      const everything = await start(owner.key, {});
      expect(everything.status).to.equal(403);
      expect(everything.body.error.message).to.equal(
        "a brand owner may audit only its own brand: give scope.brandId",
      );
      expect((await start(owner.key, { orgId: farm.id })).status).to.equal(403);
      expect((await start(farm.key, { brandId })).status).to.equal(403);
      await waitFor(
        "the owner's run to finish",
        async () => (await get(owner.key, `/api/audit/runs/${mine.body.id}`)).body.state === "done",
      );
      expect((await get(owner.key, `/api/audit/runs/${mine.body.id}/report.json`)).status).to.equal(200);
      expect((await get(otherOwner.key, `/api/audit/runs/${mine.body.id}`)).status).to.equal(404);
    });
  });
});
