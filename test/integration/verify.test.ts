import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { startWorker } from "../helpers/anchoring";
import {
  batchDraft,
  createCertifier,
  issueCertification,
  type TestCertifier,
  relayStatusChange,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, publicIdOf, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, recordInspection } from "../helpers/verification";

const DAY_MS = 24 * 3600 * 1000;

describe("verification API (GET /api/verify/:batchId)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let shop: TestOrg;
  let certifier: TestCertifier;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    shop = await createOrg(server, "杭州农产品超市", ["retailer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
  });
  after(async () => {
    await worker.stop();
    await server.close();
  });

  const verify = async (batchId: string, on: TestServer = server) =>
    http(on.baseUrl, "GET", `/api/verify/${await publicIdOf(server, batchId)}`);
  const checkOf = (body: { checks: { name: string; status: string; detail: string }[] }, name: string) =>
    body.checks.find((check) => check.name === name)!;
  const events = () => env.runtime.connection.db!.collection("traceevents");

  const certify = (batchId: string, overrides: Parameters<typeof batchDraft>[1] = {}) =>
    issueCertification(server, certifier, batchId, overrides);

  it("is pending until the batch's events are anchored, then verified with every check passing", async () => {
    const batch = await createBatch(server, farm);
    await recordInspection(server, farm, batch.id);
    const before = await verify(batch.id);
    expect(before.status).to.equal(200);
    expect(before.body.verdict).to.equal("pending");
    expect(checkOf(before.body, "anchoring")).to.deep.include({ status: "pending" });
    expect(checkOf(before.body, "event-hashes").status).to.equal("pass");

    await anchorNow(server);
    const after = await verify(batch.id);
    expect(after.body.verdict, JSON.stringify(after.body.checks)).to.equal("verified");
    expect(after.body.checks.every((check: { status: string }) => check.status === "pass")).to.equal(true);
    // The worker (every 200 ms) may have anchored the two events in one window or in two.
    expect(checkOf(after.body, "on-chain").detail).to.match(
      /root\(s\) anchored on chain \(block \d+(, \d+)?\); verifyLeaf accepts 2 event/,
    );
    expect(after.headers.get("cache-control")).to.equal("no-store");
  });

  it("answers 404 with verdict unknown for a batch that does not exist", async () => {
    const response = await http(server.baseUrl, "GET", `/api/verify/${"A".repeat(22)}`);
    expect(response.status).to.equal(404);
    expect(response.body.verdict).to.equal("unknown");
    expect(response.body.checks).to.have.length(1);
    expect(response.body.checks[0]).to.include({ name: "record", status: "fail" });
    expect((await http(server.baseUrl, "GET", "/api/verify/not-an-id")).status).to.equal(400);
    // A sequential ObjectId is no public key (decision 0020).
    const objectId = new Types.ObjectId().toHexString();
    expect((await http(server.baseUrl, "GET", `/api/verify/${objectId}`)).status).to.equal(400);
  });

  describe("tampering with the stored records", () => {
    it("is tampered when a stored event body was changed, naming the event", async () => {
      const batch = await createBatch(server, farm);
      const inspection = await recordInspection(server, farm, batch.id);
      await anchorNow(server);
      await events().updateOne(
        { _id: new Types.ObjectId(inspection.id) },
        { $set: { "body.data.results.0.value": 0.001 } },
      );
      const response = await verify(batch.id);
      expect(response.body.verdict).to.equal("tampered");
      expect(checkOf(response.body, "event-hashes")).to.deep.include({ status: "fail" });
      expect(checkOf(response.body, "event-hashes").detail).to.include(inspection.id);
    });

    it("is tampered when an event was deleted from the middle of the chain", async () => {
      const batch = await createBatch(server, farm);
      const first = await recordInspection(server, farm, batch.id);
      await recordInspection(server, farm, batch.id);
      await anchorNow(server);
      await events().deleteOne({ _id: new Types.ObjectId(first.id) });
      const response = await verify(batch.id);
      expect(response.body.verdict).to.equal("tampered");
      expect(checkOf(response.body, "hash-chain").detail).to.match(/seq 2 is missing before seq 3/);
    });

    it("is tampered when a body and its stored hash were both rewritten (the anchor no longer matches)", async () => {
      const batch = await createBatch(server, farm);
      const inspection = await recordInspection(server, farm, batch.id);
      await anchorNow(server);
      const stored = await events().findOne({ _id: new Types.ObjectId(inspection.id) });
      const body = { ...stored!.body, data: { ...stored!.body.data, lab: "另一家检测中心" } };
      const { computeEventHash } = await import("../../server/modules/ledger/domain/event-hash");
      await events().updateOne({ _id: stored!._id }, { $set: { body, hash: computeEventHash(body) } });
      const response = await verify(batch.id);
      expect(response.body.verdict).to.equal("tampered");
      expect(checkOf(response.body, "event-hashes").status).to.equal("pass");
      expect(checkOf(response.body, "merkle-proofs").status).to.equal("fail");
    });
  });

  describe("recalls", () => {
    it("shows recalled for the batch itself and for a batch split from it (lineage)", async () => {
      const parent = await createBatch(server, farm);
      const offered = await http(server.baseUrl, "POST", `/api/batches/${parent.id}/transfers`, {
        key: farm.key,
        json: { to: shop.id, quantity: { value: 100, unit: "KGM" } },
      });
      expect(offered.status, offered.text).to.equal(201);
      const childId = offered.body.transfer.batchId as string;
      expect(childId).to.not.equal(parent.id);
      await anchorNow(server);
      expect((await verify(childId)).body.verdict).to.equal("verified");

      const recall = await http(server.baseUrl, "POST", `/api/batches/${parent.id}/events`, {
        key: farm.key,
        json: { type: "recalling", eventTime: "2026-05-01T09:00:00+08:00", data: { reason: "农残超标" } },
      });
      expect(recall.status, recall.text).to.equal(201);
      const self = await verify(parent.id);
      expect(self.body.verdict).to.equal("recalled");
      expect(checkOf(self.body, "recall").detail).to.match(/was recalled$/);
      const child = await verify(childId);
      expect(child.body.verdict).to.equal("recalled");
      expect(checkOf(child.body, "recall").detail).to.match(/^made from recalled .*lot AJBC-/);
      expect(checkOf(child.body, "lineage")).to.deep.include({ status: "pass" });
    });
  });

  describe("certifications (live status from the registry)", () => {
    it("is revoked once the certifier revokes a certification of the batch", async () => {
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id);
      await anchorNow(server);
      expect((await verify(batch.id)).body.verdict).to.equal("verified");
      await relayStatusChange(server, certifier, certification.id, "revoked", "retest failed");
      const response = await verify(batch.id);
      expect(response.body.verdict).to.equal("revoked");
      expect(checkOf(response.body, "certifications").detail).to.match(/revoked/);
    });

    it("is expired once the clock passes a certification's validity", async () => {
      const batch = await createBatch(server, farm);
      await certify(batch.id, { validUntil: new Date(Date.now() + 2 * DAY_MS).toISOString() });
      await anchorNow(server);
      expect((await verify(batch.id)).body.verdict).to.equal("verified");
      const later = await startClockedServer(env, server.adminKey, 3 * DAY_MS);
      try {
        const response = await verify(batch.id, later);
        expect(response.body.verdict).to.equal("expired");
        expect(checkOf(response.body, "certifications").detail).to.match(/expired/);
      } finally {
        await later.close();
      }
    });
  });
});

/** A server whose clock runs `offsetMs` ahead (certification validity is judged by it). */
async function startClockedServer(env: TestEnv, adminKey: string, offsetMs: number): Promise<TestServer> {
  const app = createApp({
    config: env.config,
    logger: createLogger(env.config.LOG_LEVEL),
    ...env.runtime,
    useCaseContext: { ...env.runtime.useCaseContext, now: () => new Date(Date.now() + offsetMs) },
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
