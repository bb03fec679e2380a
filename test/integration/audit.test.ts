import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { Wallet } from "ethers";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { buildEventBody } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { CERTIFICATION_TYPES } from "../../server/modules/certifications/domain/certification-typed-data";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { recordEvents, startWorker, waitFor, waitUntilAllAnchored } from "../helpers/anchoring";
import { createCertifier, issueCertification, type TestCertifier } from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { startTestServer } from "../helpers/test-env";

interface Finding {
  kind: string;
  batchId: string | null;
  eventId?: string;
  seq?: number;
  certificationId?: string;
  detail: string;
}

/** Findings reduced to what a test states: kind and where (event or certification). */
const where = (findings: Finding[]) =>
  findings
    .map((finding) => `${finding.kind}@${finding.eventId ?? finding.certificationId ?? `seq ${finding.seq}`}`)
    .sort();

describe("audit API", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker | undefined;
  let listening: Server | undefined;
  let producer: TestOrg;
  let auditor: TestOrg;
  let certifier: TestCertifier;

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
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    auditor = await createOrg(server, "浙江省市场监督管理局", ["auditor"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await new Promise((resolve) => listening?.close(resolve));
  });

  const db = () => env.runtime.connection.db!;
  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });

  /** A batch with 5 events, certified (a 6th, certifying event), every event anchored. */
  async function anchoredBatch() {
    const batch = await createBatch(server, producer);
    const eventIds = [batch.event.id, ...(await recordEvents(server, producer, batch.id, 4))];
    const certification = await issueCertification(server, certifier, batch.id);
    const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
    expect(run.status, run.text).to.equal(200);
    await waitUntilAllAnchored(env.runtime.connection);
    return {
      batchId: batch.id as string,
      eventIds,
      certificationId: certification.id,
      signed: certification.signed,
      root: run.body.root as string,
    };
  }

  async function auditBatch(
    batchId: string,
    query = "",
  ): Promise<{ findings: Finding[]; [key: string]: unknown }> {
    const response = await get(auditor.key, `/api/audit/batches/${batchId}${query}`);
    expect(response.status, response.text).to.equal(200);
    return response.body;
  }

  async function finishedRun(json: Record<string, unknown> = {}, key = auditor.key) {
    const started = await http(server.baseUrl, "POST", "/api/audit/runs", { key, json });
    expect(started.status, started.text).to.equal(202);
    const id = started.body.id as string;
    const run = await waitFor("the audit run to finish", async () => {
      const polled = await get(key, `/api/audit/runs/${id}`);
      expect(polled.status, polled.text).to.equal(200);
      return polled.body.state === "done" || polled.body.state === "failed" ? polled.body : null;
    });
    expect(run.state, JSON.stringify(run)).to.equal("done");
    return run;
  }

  async function reportOf(runId: string): Promise<Finding[]> {
    const report = await get(auditor.key, `/api/audit/runs/${runId}/report.json`);
    expect(report.status, report.text).to.equal(200);
    return report.body.findings;
  }

  const eventAt = async (batchId: string, seq: number) =>
    (await db()
      .collection("traceevents")
      .findOne({ batchId: new Types.ObjectId(batchId), seq }))!;

  it("reports a clean anchored, certified batch with every check passing and no finding", async () => {
    const { batchId, eventIds } = await anchoredBatch();
    const record = await auditBatch(batchId);
    expect(record.findings).to.deep.equal([]);
    expect(record.verdict).to.equal("clean");
    const events = record.events as Record<string, unknown>[];
    expect(events).to.have.length(eventIds.length + 1);
    for (const event of events) {
      expect(event).to.include({ contentOk: true, linkOk: true, inclusion: "ok" });
      expect(event.recomputedHash).to.equal(event.storedHash);
      expect(event.anchoredAt).to.match(/^\d{4}-\d\d-\d\dT/);
    }
    expect(events.map((event) => event.seq)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(record.certifications).to.have.length(1);
    expect((record.certifications as { signatureOk: boolean }[])[0].signatureOk).to.equal(true);

    const run = await finishedRun();
    expect(run).to.include({ findingsCount: 0 });
    expect(run.progress).to.deep.equal({ checkedBatches: 1, totalBatches: 1, checkedEvents: 6 });
    expect(run.certificationsChecked).to.equal(1);
    expect(await reportOf(run.id)).to.deep.equal([]);
    const csv = await get(auditor.key, `/api/audit/runs/${run.id}/report.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
    expect(csv.text).to.equal("kind,batchId,eventId,seq,certificationId,detail,brandId\r\n");
    const html = await get(auditor.key, `/api/audit/runs/${run.id}/report.html`);
    expect(html.status).to.equal(200);
    expect(html.text).to.include("审计报告").and.include("No discrepancy");
    expect(html.headers.get("content-security-policy")).to.include("default-src 'none'");
  });

  it("checks an anchored EPCIS observation log (decision 0031): clean, then missing once its head is deleted", async () => {
    const sensorReport = {
      type: "ObjectEvent",
      action: "OBSERVE",
      bizStep: "sensor_reporting",
      eventTime: "2026-04-13T08:00:00+08:00",
      eventTimeZoneOffset: "+08:00",
      epcList: ["urn:epc:id:grai:4012345.55555.987"],
      sensorElementList: [{ sensorReport: [{ type: "Temperature", value: 4, uom: "CEL" }] }],
    };
    const captured = await http(server.baseUrl, "POST", "/api/epcis/capture", {
      key: producer.key,
      json: {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: "2026-04-13T00:00:00Z",
        epcisBody: { eventList: [sensorReport, sensorReport] },
      },
    });
    expect(captured.status, captured.text).to.equal(201);
    expect(captured.body.events.map((event: { observed?: string }) => event.observed)).to.deep.equal([
      "not_a_batch",
      "not_a_batch",
    ]);
    const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
    expect(run.status, run.text).to.equal(200);
    await waitUntilAllAnchored(env.runtime.connection);
    expect(await reportOf((await finishedRun()).id)).to.deep.equal([]);
    await db()
      .collection("observationlogs")
      .deleteOne({ _id: new Types.ObjectId(producer.id) });
    const findings = await reportOf((await finishedRun()).id);
    expect(findings.map((finding) => finding.kind)).to.deep.equal(["ledger_missing"]);
    expect(findings[0].detail).to.include(`organization ${producer.id}'s observation log up to seq 2`);
  });

  it("reports a body field changed in the database as tampered content of that event only, in the batch record and the run's JSON, CSV and HTML", async () => {
    const { batchId } = await anchoredBatch();
    const target = await eventAt(batchId, 3);
    await db()
      .collection("traceevents")
      .updateOne({ _id: target._id }, { $set: { "body.data.sample": 999 } });

    const record = await auditBatch(batchId);
    expect(where(record.findings)).to.deep.equal([`tampered_content@${target._id.toHexString()}`]);
    expect(record.findings[0]).to.include({ batchId, seq: 3 });
    const checks = record.events as {
      eventId: string;
      contentOk: boolean;
      linkOk: boolean;
      inclusion: string;
    }[];
    expect(checks.filter((check) => !check.contentOk).map((check) => check.eventId)).to.deep.equal([
      target._id.toHexString(),
    ]);
    expect(checks.every((check) => check.linkOk && check.inclusion === "ok")).to.equal(true);

    const run = await finishedRun();
    expect(run.countsByKind).to.deep.equal({ tampered_content: 1 });
    expect(where(await reportOf(run.id))).to.deep.equal([`tampered_content@${target._id.toHexString()}`]);
    const csv = await get(auditor.key, `/api/audit/runs/${run.id}/report.csv`);
    const lines = csv.text.trim().split("\r\n");
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(new RegExp(`^tampered_content,${batchId},${target._id.toHexString()},3,,`));
    const html = await get(auditor.key, `/api/audit/runs/${run.id}/report.html`);
    expect(html.text).to.include("内容被篡改").and.include(target._id.toHexString());
  });

  it("reports a deleted event as missing at its seq, and a deleted last event against the batch head", async () => {
    const { batchId } = await anchoredBatch();
    await db()
      .collection("traceevents")
      .deleteOne({ _id: (await eventAt(batchId, 3))._id });
    let record = await auditBatch(batchId);
    expect(record.findings.map((finding) => [finding.kind, finding.seq])).to.deep.equal([
      ["missing_event", 3],
    ]);

    await db()
      .collection("traceevents")
      .deleteOne({ _id: (await eventAt(batchId, 6))._id });
    record = await auditBatch(batchId);
    expect(record.findings.map((finding) => [finding.kind, finding.seq]).sort()).to.deep.equal([
      ["missing_event", 3],
      ["missing_event", 6],
    ]);
  });

  it("reports two events whose order was swapped in the database as reordered (and their bodies as no longer hashing)", async () => {
    const { batchId } = await anchoredBatch();
    const two = await eventAt(batchId, 2);
    const three = await eventAt(batchId, 3);
    const events = db().collection("traceevents");
    await events.updateOne({ _id: two._id }, { $set: { seq: 3, "body.seq": 3 } });
    await events.updateOne({ _id: three._id }, { $set: { seq: 2, "body.seq": 2 } });

    const record = await auditBatch(batchId);
    const [a, b] = [two._id.toHexString(), three._id.toHexString()];
    expect(where(record.findings)).to.deep.equal(
      [`reordered@${a}`, `reordered@${b}`, `tampered_content@${a}`, `tampered_content@${b}`].sort(),
    );
  });

  it("reports an event whose link to its predecessor was rewritten as a broken chain (and its body as no longer hashing)", async () => {
    const { batchId } = await anchoredBatch();
    const four = await eventAt(batchId, 4);
    await db()
      .collection("traceevents")
      .updateOne({ _id: four._id }, { $set: { "body.prevHash": `0x${randomBytes(32).toString("hex")}` } });
    const record = await auditBatch(batchId);
    const id = four._id.toHexString();
    expect(where(record.findings)).to.deep.equal([`broken_chain@${id}`, `tampered_content@${id}`]);
    const checks = record.events as { eventId: string; linkOk: boolean }[];
    expect(checks.filter((check) => !check.linkOk).map((check) => check.eventId)).to.deep.equal([id]);
  });

  it("reports an event inserted into the chain with a valid hash as inserted, and nothing else", async () => {
    const { batchId } = await anchoredBatch();
    const two = await eventAt(batchId, 2);
    const body = buildEventBody(
      {
        type: "inspecting",
        eventTime: "2026-04-13T08:00:00+08:00",
        bizStep: "inspecting",
        data: { forged: true },
      },
      {
        batchId,
        seq: 3,
        prevHash: two.hash,
        salt: `0x${randomBytes(32).toString("hex")}`,
        recordTime: new Date().toISOString(),
        actor: producer.id,
      },
    );
    const inserted = new Types.ObjectId();
    await db()
      .collection("traceevents")
      .insertOne({
        _id: inserted,
        batchId: new Types.ObjectId(batchId),
        seq: 3,
        type: body.type,
        actorId: new Types.ObjectId(producer.id),
        eventTime: new Date(body.eventTime),
        recordTime: new Date(body.recordTime),
        hash: computeEventHash(body),
        prevHash: body.prevHash,
        body,
        anchor: null,
      });
    const record = await auditBatch(batchId);
    expect(where(record.findings)).to.deep.equal([`inserted@${inserted.toHexString()}`]);
  });

  it("reports a query copy changed without the body as a stored-field mismatch only", async () => {
    const { batchId } = await anchoredBatch();
    const target = await eventAt(batchId, 2);
    await db()
      .collection("traceevents")
      .updateOne({ _id: target._id }, { $set: { type: "shipping" } });
    const record = await auditBatch(batchId);
    expect(where(record.findings)).to.deep.equal([`stored_field_mismatch@${target._id.toHexString()}`]);
    expect(record.findings[0].detail).to.include("type shipping");
  });

  it("reports a certification whose stored signature was replaced by another key's as a bad signature, and nothing else", async () => {
    const { batchId, certificationId, signed } = await anchoredBatch();
    const forged = await Wallet.createRandom().signTypedData(
      signed.domain,
      CERTIFICATION_TYPES,
      signed.message,
    );
    await db()
      .collection("certifications")
      .updateOne({ _id: new Types.ObjectId(certificationId) }, { $set: { signature: forged } });
    const record = await auditBatch(batchId);
    expect(where(record.findings)).to.deep.equal([`bad_certification_signature@${certificationId}`]);
    expect(record.findings[0].detail).to.include("is not message.certifier");
    const run = await finishedRun();
    expect(where(await reportOf(run.id))).to.deep.equal([`bad_certification_signature@${certificationId}`]);
  });

  it("reports a window root that is not on chain for every event of the window", async () => {
    const { batchId, eventIds, root } = await anchoredBatch();
    const random = `0x${randomBytes(32).toString("hex")}`;
    await db()
      .collection("anchorwindows")
      .updateOne({ root }, { $set: { root: random } });
    const record = await auditBatch(batchId);
    expect(record.findings.map((finding) => finding.kind)).to.deep.equal(
      Array(eventIds.length + 1).fill("root_not_on_chain"),
    );
    expect(record.findings[0].detail)
      .to.include(random)
      .and.include(`rebuilds to ${root}, which is anchored`);
  });

  it("reports events as not in the anchored tree when the window's stored leaf list was changed", async () => {
    const { batchId, eventIds, root } = await anchoredBatch();
    const window = (await db().collection("anchorwindows").findOne({ root }))!;
    const leaves = db().collection("anchorwindowleaves");
    const stored = (await leaves.findOne({ _id: window._id }))!;
    const packed = Buffer.from(stored.leaves.buffer);
    randomBytes(32).copy(packed, 0);
    await leaves.deleteOne({ _id: window._id });
    await leaves.insertOne({ _id: window._id, leaves: packed, eventIds: stored.eventIds });
    const record = await auditBatch(batchId);
    expect(record.findings.map((finding) => finding.kind)).to.deep.equal(
      Array(eventIds.length + 1).fill("not_in_tree"),
    );
    const details = record.findings.map((finding) => finding.detail);
    expect(details.filter((detail) => detail.startsWith("leaf 0 "))).to.have.length(1);
    expect(details.filter((detail) => detail.includes("rebuilds to"))).to.have.length(eventIds.length);
  });

  it("reports events left unanchored past the threshold, and not before it", async () => {
    const batch = await createBatch(server, producer);
    const ids = [batch.event.id, ...(await recordEvents(server, producer, batch.id, 2))];
    expect((await auditBatch(batch.id)).findings).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // recordTime strictly in the past
    const record = await auditBatch(batch.id, "?unanchoredAfterSec=0");
    expect(where(record.findings)).to.deep.equal(ids.map((id) => `unanchored_too_long@${id}`).sort());
    const run = await finishedRun({ unanchoredAfterSec: 0 });
    expect(run.countsByKind).to.deep.equal({ unanchored_too_long: 3 });
  });

  it("limits a run to a producer's batches", async () => {
    const { batchId } = await anchoredBatch();
    const other = await createOrg(server, "五常大米合作社", ["producer"]);
    await createBatch(server, other);
    await db()
      .collection("traceevents")
      .updateOne({ _id: (await eventAt(batchId, 3))._id }, { $set: { "body.data.sample": 7 } });
    const mine = await finishedRun({ scope: { orgId: producer.id } });
    expect(mine.progress.totalBatches).to.equal(1);
    expect(mine.countsByKind).to.deep.equal({ tampered_content: 1 });
    const theirs = await finishedRun({ scope: { orgId: other.id } });
    expect(theirs.progress).to.deep.equal({ checkedBatches: 1, totalBatches: 1, checkedEvents: 1 });
    expect(theirs.findingsCount).to.equal(0);
  });

  it("limits a run to a GB/T 2260 province, city or county, and names a malformed region code", async () => {
    await createBatch(server, producer);
    const wuchang = await createOrg(server, "五常大米合作社", ["producer"]);
    await createBatch(server, wuchang, {
      product: { name: "五常大米", category: "rice" },
      origin: { place: "民乐乡", regionCode: "230184", harvestedAt: "2026-04-12" },
    });
    for (const [regionCode, batches] of [
      ["33", 1],
      ["3305", 1],
      ["330523", 1],
      ["23", 1],
      ["44", 0],
    ] as const) {
      const run = await finishedRun({ scope: { regionCode } });
      expect(run.scope.regionCode).to.equal(regionCode);
      expect(run.progress.totalBatches, regionCode).to.equal(batches);
    }
    const zhejiang = await finishedRun({ scope: { regionCode: "33", orgId: wuchang.id } });
    expect(zhejiang.progress.totalBatches).to.equal(0);
    const malformed = await http(server.baseUrl, "POST", "/api/audit/runs", {
      key: auditor.key,
      json: { scope: { regionCode: "330" } },
    });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.details[0].field).to.equal("body.scope.regionCode");
  });

  describe("access and validation", () => {
    it("refuses producers, certifiers auditing batches they did not certify, and malformed or unknown brand scopes", async () => {
      const { batchId } = await anchoredBatch();
      expect((await get(producer.key, `/api/audit/batches/${batchId}`)).status).to.equal(403);
      expect((await get(certifier.key, `/api/audit/batches/${batchId}`)).status).to.equal(200);
      const stranger = await createCertifier(server, "另一家认证机构", { register: false });
      expect((await get(stranger.key, `/api/audit/batches/${batchId}`)).status).to.equal(403);
      const mine = await http(server.baseUrl, "POST", "/api/audit/runs", {
        key: certifier.key,
        json: { scope: { orgId: producer.id } },
      });
      expect(mine.status, mine.text).to.equal(202);
      const everything = await http(server.baseUrl, "POST", "/api/audit/runs", {
        key: certifier.key,
        json: {},
      });
      expect(everything.status).to.equal(403);
      const malformed = await http(server.baseUrl, "POST", "/api/audit/runs", {
        key: auditor.key,
        json: { scope: { brandId: "anji-white-tea" } },
      });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.details[0].field).to.equal("body.scope.brandId");
      const unknownBrand = await http(server.baseUrl, "POST", "/api/audit/runs", {
        key: auditor.key,
        json: { scope: { brandId: new Types.ObjectId().toHexString() } },
      });
      expect(unknownBrand.status).to.equal(422);
      expect(unknownBrand.body.error.message).to.equal("body.scope.brandId is not a registered brand");
      const unknown = await http(server.baseUrl, "POST", "/api/audit/runs", {
        key: auditor.key,
        json: { scope: { region: "x" } },
      });
      expect(unknown.status).to.equal(400);
      expect(
        (await get(auditor.key, `/api/audit/runs/${new Types.ObjectId().toHexString()}`)).status,
      ).to.equal(404);
      await waitFor(
        "the certifier's run to finish",
        async () => (await get(certifier.key, `/api/audit/runs/${mine.body.id}`)).body.state === "done",
      );
    });
  });
  describe("stored copies against hashed and signed records (issue 13)", () => {
    it("finds a batch whose regionCode was edited in the database, in the batch audit and in a run", async () => {
      const { batchId } = await anchoredBatch();
      expect((await auditBatch(batchId)).findings).to.deep.equal([]);
      await db()
        .collection("batches")
        .updateOne({ _id: new Types.ObjectId(batchId) }, { $set: { "origin.regionCode": "110101" } });
      const expected = {
        kind: "batch_document_mismatch",
        batchId,
        detail: 'origin.regionCode is "110101" but the commissioning event says "330523"',
      };
      const record = await auditBatch(batchId);
      expect(record.findings).to.deep.equal([expected]);
      // The public verdict reads hashed and signed evidence only: the edit explains, never decides.
      expect((record.publicVerdict as { verdict: string }).verdict).to.equal("verified");
      expect((await finishedRun()).countsByKind).to.deep.equal({ batch_document_mismatch: 1 });
    });

    it("finds a certification whose stored validUntil was edited in the database", async () => {
      const { certificationId } = await anchoredBatch();
      await db()
        .collection("certifications")
        .updateOne({ _id: new Types.ObjectId(certificationId) }, { $set: { validUntil: 1_000_000_000 } });
      const run = await finishedRun();
      expect(run.countsByKind).to.deep.equal({ certification_field_mismatch: 1 });
    });
  });

  describe("ledgers the anchoring map holds (issue 13, finding 4)", () => {
    const anchoredSeq6 = (batchId: string, head: string) =>
      `the ledger map anchored batch ${batchId} up to seq 6 (head ${head})`;

    it("reports a batch whose document and events were deleted from the database after anchoring", async () => {
      const { batchId } = await anchoredBatch();
      const head = (await eventAt(batchId, 6)).hash as string;
      const id = new Types.ObjectId(batchId);
      await db().collection("batches").deleteOne({ _id: id });
      await db().collection("traceevents").deleteMany({ batchId: id });
      const run = await finishedRun();
      expect(run.progress.totalBatches).to.equal(0);
      expect(run.countsByKind.ledger_missing).to.equal(1);
      const missing = (await reportOf(run.id)).filter((finding) => finding.kind === "ledger_missing");
      expect(missing).to.deep.equal([
        {
          kind: "ledger_missing",
          batchId,
          detail: `${anchoredSeq6(batchId, head)} but no such batch is stored: it was deleted`,
        },
      ]);
    });

    it("reports the ledger map as edited when the batch's map entry was deleted with it", async () => {
      const { batchId } = await anchoredBatch();
      const id = new Types.ObjectId(batchId);
      await db().collection("batches").deleteOne({ _id: id });
      await db().collection("traceevents").deleteMany({ batchId: id });
      await db().collection("ledgermapentries").deleteOne({ ledgerId: batchId });
      const run = await finishedRun();
      expect(run.countsByKind.ledger_missing).to.equal(undefined);
      expect(run.countsByKind.ledger_map_mismatch).to.equal(1);
      const [mismatch] = (await reportOf(run.id)).filter((finding) => finding.kind === "ledger_map_mismatch");
      expect(mismatch.detail).to.match(
        /^the stored ledger map entries rebuild to 0x0{64}, but the registry holds map root 0x[0-9a-f]{64} for window \d+ \(root 0x[0-9a-f]{64}\): entries were edited or deleted/,
      );
    });

    it("reports a batch whose anchored last event was deleted and head moved back, in a producer's run", async () => {
      const { batchId } = await anchoredBatch();
      const [last, before] = [await eventAt(batchId, 6), await eventAt(batchId, 5)];
      await db().collection("traceevents").deleteOne({ _id: last._id });
      await db()
        .collection("batches")
        .updateOne(
          { _id: new Types.ObjectId(batchId) },
          { $set: { head: { seq: 5, hash: before.hash, eventId: before._id } } },
        );
      const run = await finishedRun({ scope: { orgId: producer.id } });
      expect(run.countsByKind.head_behind_anchored_map).to.equal(1);
      const behind = (await reportOf(run.id)).filter(
        (finding) => finding.kind === "head_behind_anchored_map",
      );
      expect(behind).to.deep.equal([
        {
          kind: "head_behind_anchored_map",
          batchId,
          seq: 6,
          detail: `${anchoredSeq6(batchId, last.hash as string)} but its stored head is at seq 5: anchored events were cut off its tail`,
        },
      ]);
    });

    it("reports a batch whose anchored last event was rewritten with a valid hash and the head moved to it", async () => {
      const { batchId } = await anchoredBatch();
      const last = await eventAt(batchId, 6);
      const body = { ...last.body, salt: `0x${randomBytes(32).toString("hex")}` };
      const rewritten = computeEventHash(body);
      await db()
        .collection("traceevents")
        .updateOne({ _id: last._id }, { $set: { body, hash: rewritten } });
      await db()
        .collection("batches")
        .updateOne({ _id: new Types.ObjectId(batchId) }, { $set: { "head.hash": rewritten } });
      const run = await finishedRun();
      expect(run.countsByKind.anchored_head_rewritten).to.equal(1);
      const findings = await reportOf(run.id);
      expect(findings.filter((finding) => finding.kind === "anchored_head_rewritten")).to.deep.equal([
        {
          kind: "anchored_head_rewritten",
          batchId,
          seq: 6,
          detail: `${anchoredSeq6(batchId, last.hash as string)} but the event stored at seq 6 has hash ${rewritten}: the anchored head was rewritten`,
        },
      ]);
    });

    it("reports nothing of the map for an intact anchored batch", async () => {
      await anchoredBatch();
      expect((await finishedRun()).findingsCount).to.equal(0);
      expect((await finishedRun({ scope: { orgId: producer.id } })).findingsCount).to.equal(0);
    });
  });
});
