import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "chai";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { verifyBundleFile } from "../../scripts/verify-bundle";
import { monitorOnce, type Finding } from "../../scripts/monitor";
import { startWorker, waitFor } from "../helpers/anchoring";
import {
  createCertifier,
  fundWallet,
  issueCertification,
  relayStatusChange,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, publicIdOf, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, pathOf, recordInspection } from "../helpers/verification";

/**
 * Issue 13, findings 1-4: an operator who edits the database hides a recall, a revocation, rewrites
 * anchored history or deletes a batch. Each must show in the service's own verdict (consumer page
 * JSON, /api/verify), in `verify-bundle` against the chain, or in the public monitor (decision 0015).
 */
describe("completeness: what an operator hides in the database shows", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let firstWindow: number;
  let tmp: string;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    // The chain outlives the emptied database: the monitor replays the windows of this file only.
    firstWindow = Number((await env.runtime.chain.registry.latestWindow()).index) + 1;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-completeness-"));
  });
  after(async () => {
    await worker.stop();
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const db = () => env.runtime.connection.db!;
  const verify = async (batchId: string) =>
    (await http(server.baseUrl, "GET", `/api/verify/${await publicIdOf(server, batchId)}`)).body;
  const consumerJson = async (digitalLink: string) =>
    http(server.baseUrl, "GET", pathOf(digitalLink), { headers: { accept: "application/json" } });
  const checkOf = (body: { checks: { name: string; status: string; detail: string }[] }, name: string) =>
    body.checks.find((check) => check.name === name);
  const monitor = () =>
    monitorOnce({
      rpc: env.runtime.chain.provider._getConnection().url,
      registry: env.runtime.chain.registryAddress,
      service: server.baseUrl,
      fromWindow: firstWindow,
      apiKey: server.adminKey,
    });
  const findingsFor = (findings: Finding[], ledgerId: string) =>
    findings.filter((finding) => finding.ledgerId === ledgerId).map((finding) => finding.kind);

  /** The verdict `npm run verify-bundle` reaches on the service's public bundle, against the chain. */
  async function offlineVerdict(batchId: string) {
    const publicId = await publicIdOf(server, batchId);
    const bundle = await http(server.baseUrl, "GET", `/api/batches/${publicId}/proof-bundle`);
    expect(bundle.status, bundle.text).to.equal(200);
    const file = path.join(tmp, `${batchId}.json`);
    fs.writeFileSync(file, bundle.text);
    const rpc = env.runtime.chain.provider._getConnection().url;
    return verifyBundleFile(file, rpc, Math.floor(Date.now() / 1000));
  }

  /** What an operator does to hide a batch's newest events: delete them and move the head back. */
  async function truncateTo(batchId: string, seq: number) {
    const id = new Types.ObjectId(batchId);
    const kept = await db().collection("traceevents").findOne({ batchId: id, seq });
    await db()
      .collection("traceevents")
      .deleteMany({ batchId: id, seq: { $gt: seq } });
    await db()
      .collection("batches")
      .updateOne(
        { _id: id },
        {
          $set: { head: { seq, hash: kept!.hash, eventId: kept!._id }, lastEvent: kept, status: "active" },
          $unset: { lastEvents: "" },
        },
      );
  }

  it("finding 1: a deleted anchored recall (head moved back, status active) is not verified anywhere", async () => {
    const batch = await createBatch(server, farm);
    await recordInspection(server, farm, batch.id);
    const recall = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
      key: farm.key,
      json: { type: "recalling", eventTime: "2026-05-01T09:00:00+08:00", data: { reason: "农残超标" } },
    });
    expect(recall.status, recall.text).to.equal(201);
    await anchorNow(server);
    expect((await verify(batch.id)).verdict).to.equal("recalled");

    await truncateTo(batch.id, recall.body.seq - 1);

    const page = await consumerJson(batch.digitalLink);
    expect(page.body.verdict).to.equal("tampered");
    expect(checkOf(page.body, "completeness")?.detail).to.match(
      new RegExp(
        `map holds its head at seq ${recall.body.seq}, but the records shown end at seq ${recall.body.seq - 1}`,
      ),
    );
    expect((await verify(batch.id)).verdict).to.equal("tampered");
    const offline = await offlineVerdict(batch.id);
    expect(offline.verdict).to.equal("tampered");
    expect(checkOf(offline, "completeness")?.status).to.equal("fail");
    expect(findingsFor((await monitor()).findings, batch.id)).to.include("truncation");
  });

  it("finding 2: a revocation hidden by deleting the certification, its coverage and the certifying events is not verified", async () => {
    const certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    const batch = await createBatch(server, farm);
    const issued = await issueCertification(server, certifier, batch.id);
    await relayStatusChange(server, certifier, issued.id, "revoked", "retest failed");
    await anchorNow(server);
    expect((await verify(batch.id)).verdict).to.equal("revoked");

    const chain = await db()
      .collection("traceevents")
      .find({ batchId: new Types.ObjectId(batch.id) })
      .sort({ seq: 1 })
      .toArray();
    const firstCertifying = chain.find((event) => event.type === "certifying")!;
    expect(chain.at(-1)!.seq, "the certifying events are the batch's newest").to.be.at.least(
      firstCertifying.seq,
    );
    await db().collection("certifications").deleteMany({});
    await db().collection("certificationcoverages").deleteMany({});
    await truncateTo(batch.id, firstCertifying.seq - 1);

    const response = await verify(batch.id);
    expect(response.verdict).to.equal("tampered");
    expect(checkOf(response, "completeness")?.detail).to.match(/anchored events hidden/);
    expect((await consumerJson(batch.digitalLink)).body.verdict).to.equal("tampered");
    expect((await offlineVerdict(batch.id)).verdict).to.equal("tampered");
  });

  it("finding 3: anchored events rewritten (new salt, re-hashed, head updated) and anchored again show as a second version", async () => {
    const batch = await createBatch(server, farm);
    await recordInspection(server, farm, batch.id);
    await anchorNow(server);
    expect((await verify(batch.id)).verdict).to.equal("verified");

    const id = new Types.ObjectId(batch.id);
    const events = await db().collection("traceevents").find({ batchId: id }).sort({ seq: 1 }).toArray();
    let prevHash = events[0].prevHash as string;
    for (const event of events) {
      const body = { ...event.body, prevHash, salt: `0x${randomBytes(32).toString("hex")}` };
      if (event.seq === 2) body.data = { ...body.data, lab: "另一家检测中心" };
      const hash = computeEventHash(body);
      await db()
        .collection("traceevents")
        .updateOne({ _id: event._id }, { $set: { body, hash, prevHash, anchor: null } });
      prevHash = hash;
    }
    const last = await db().collection("traceevents").findOne({ batchId: id, seq: events.length });
    await db()
      .collection("batches")
      .updateOne(
        { _id: id },
        { $set: { head: { seq: last!.seq, hash: last!.hash, eventId: last!._id }, lastEvent: last } },
      );
    await anchorNow(server);

    const response = await verify(batch.id);
    expect(response.verdict).to.equal("tampered");
    expect(checkOf(response, "completeness")?.detail).to.match(
      new RegExp(
        `seq ${events.length} was anchored as ${events.at(-1)!.hash}; the record shown is another version`,
      ),
    );
    expect(
      checkOf(response, "merkle-proofs")?.status,
      "the rewritten events carry valid new proofs",
    ).to.equal("pass");
    expect((await offlineVerdict(batch.id)).verdict).to.equal("tampered");
    const kinds = findingsFor((await monitor()).findings, batch.id);
    expect(kinds).to.include("two-versions");
  });

  it("finding 4: a deleted batch is tampered, not unknown, on its consumer page, and the monitor reports it", async () => {
    const batch = await createBatch(server, farm);
    await anchorNow(server);
    const id = new Types.ObjectId(batch.id);
    await db().collection("traceevents").deleteMany({ batchId: id });
    await db().collection("batches").deleteOne({ _id: id });

    const page = await consumerJson(batch.digitalLink);
    expect(page.status).to.equal(404);
    expect(page.body.verdict).to.equal("tampered");
    expect(checkOf(page.body, "completeness")?.detail).to.match(/its records were deleted/);
    // A public id names no ledger in the map, so /api/verify/:publicId of a deleted batch can only
    // say unknown (decision 0020); the Digital Link above and the monitor still tell the deletion.
    const byPublicId = await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`);
    expect(byPublicId.body.verdict).to.equal("unknown");
    expect(findingsFor((await monitor()).findings, batch.id)).to.include("deleted-batch");

    // What a regulator runs: `npm run monitor -- --rpc … --registry … --service … --api-key …`.
    // Asynchronous: the service answering the monitor runs in this process.
    const cli = await promisify(execFile)(
      process.execPath,
      [
        ...["-r", "ts-node/register/transpile-only", "scripts/monitor.ts"],
        ...["--rpc", env.runtime.chain.provider._getConnection().url],
        ...["--registry", env.runtime.chain.registryAddress, "--service", server.baseUrl],
        ...["--from-window", String(firstWindow), "--api-key", server.adminKey],
      ],
      { cwd: path.resolve(__dirname, "../.."), encoding: "utf8", timeout: 60_000 },
    ).then(
      () => ({ code: 0, stdout: "", stderr: "" }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(cli.code, cli.stderr).to.equal(1);
    const lines = cli.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Finding & { findings?: number });
    expect(lines.some((line) => line.kind === "deleted-batch" && line.ledgerId === batch.id)).to.equal(true);
    expect(lines.at(-1)).to.deep.include({ kind: "summary" });
  });

  it("leaves an event for the next window while its predecessor is not inserted yet, instead of anchoring it beyond the map", async () => {
    // The worker waits while the moment is set up: a window claiming seq 1–3 before seq 2 is taken
    // out anchors seq 2 and 3 (one run in six did on a fast claim).
    await worker.stop();
    const batch = await createBatch(server, farm);
    const second = await recordInspection(server, farm, batch.id);
    await recordInspection(server, farm, batch.id);
    // The moment between an append's commit and its insert (decision 0012), held open.
    const late = await db()
      .collection("traceevents")
      .findOne({ _id: new Types.ObjectId(second.id) });
    await db().collection("traceevents").deleteOne({ _id: late!._id });
    worker.start();
    const ofSeq = (seq: number) =>
      db()
        .collection("traceevents")
        .findOne({ batchId: new Types.ObjectId(batch.id), seq });
    await waitFor("seq 1 to be anchored", async () => {
      const claim = (await ofSeq(1))?.anchor;
      const window = claim && (await db().collection("anchorwindows").findOne({ _id: claim.windowId }));
      return window?.state === "completed";
    });
    expect((await ofSeq(3))!.anchor, "seq 3 waits for seq 2").to.equal(null);
    const pending = await verify(batch.id);
    expect(checkOf(pending, "completeness")?.status, JSON.stringify(pending.checks)).to.equal("pass");

    await db().collection("traceevents").insertOne(late!);
    await anchorNow(server);
    const response = await verify(batch.id);
    expect(response.verdict, JSON.stringify(response.checks)).to.equal("verified");
  });

  it("keeps a certification's status with its issuer: another certifier's change reverts and the monitor stays silent", async () => {
    const issuer = await createCertifier(server, "中绿华夏有机食品认证中心");
    const other = await createCertifier(server, "另一家认证机构");
    const batch = await createBatch(server, farm);
    const issued = await issueCertification(server, issuer, batch.id);
    await anchorNow(server);
    const { certHash } = issued;
    expect(certHash).to.match(/^0x[0-9a-f]{64}$/);
    await fundWallet(env, other.wallet.address);
    const registry = env.runtime.chain.registry.connect(other.wallet.connect(env.runtime.chain.provider));
    let refused: unknown = null;
    await registry.suspendCertification(certHash, "not mine to suspend").catch((error: unknown) => {
      refused = error;
    });
    expect(refused, "another certifier's suspension went through").to.not.equal(null);

    const findings = (await monitor()).findings.filter((finding) => finding.certHash === certHash);
    expect(findings).to.deep.equal([]);
  });

  it("stays verified, and the monitor silent, for records nobody touched", async () => {
    await clearDatabase(env);
    await server.close();
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    firstWindow = Number((await env.runtime.chain.registry.latestWindow()).index) + 1;
    const batch = await createBatch(server, farm);
    await recordInspection(server, farm, batch.id);
    await anchorNow(server);
    await recordInspection(server, farm, batch.id);
    await anchorNow(server);
    const response = await verify(batch.id);
    expect(response.verdict, JSON.stringify(response.checks)).to.equal("verified");
    expect(checkOf(response, "completeness")?.status).to.equal("pass");
    expect((await offlineVerdict(batch.id)).verdict).to.equal("verified");
    const { findings, windows } = await monitor();
    expect(findings).to.deep.equal([]);
    expect(windows).to.be.at.least(2);
  });
});
