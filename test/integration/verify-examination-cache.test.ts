import { expect } from "chai";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { verifierFor } from "../../server/modules/verification";
import { startWorker } from "../helpers/anchoring";
import {
  createCertifier,
  type TestCertifier,
  issueCertification,
  relayStatusChange,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, publicIdOf, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, recordInspection } from "../helpers/verification";

/**
 * Repeated verifications of an unchanged batch reuse its examination (examination-cache.ts); each
 * change the verdict depends on must show in the very next verification.
 */
describe("verification: reused examinations (examination-cache.ts)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let certifier: TestCertifier;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
  });
  after(async () => {
    await worker.stop();
    await server.close();
  });

  const counts = () =>
    verifierFor({
      useCaseContext: env.runtime.useCaseContext,
      chain: env.runtime.chain,
      publicBaseUrl: env.config.PUBLIC_BASE_URL,
    }).examinations.counts;
  const verify = async (batchId: string) =>
    http(server.baseUrl, "GET", `/api/verify/${await publicIdOf(server, batchId)}`);
  const events = () => env.runtime.connection.db!.collection("traceevents");

  /**
   * A batch with an inspection, anchored and verified until an examination is reused: the first
   * verification is not kept (nothing asked about it before), the second is, the third reuses it.
   */
  async function verifiedUntilReused() {
    const batch = await createBatch(server, farm);
    const inspection = await recordInspection(server, farm, batch.id);
    await anchorNow(server);
    expect((await verify(batch.id)).body.verdict).to.equal("verified");
    expect((await verify(batch.id)).body.verdict).to.equal("verified");
    const before = { ...counts() };
    const again = await verify(batch.id);
    expect(again.body.verdict).to.equal("verified");
    expect(counts()).to.deep.equal({ reused: before.reused + 1, computed: before.computed });
    return { batch, inspection };
  }

  /** The next verification examines the batch afresh and answers `verdict`. */
  async function expectExaminedAgain(batchId: string, verdict: string) {
    const computed = counts().computed;
    const response = await verify(batchId);
    expect(response.body.verdict, JSON.stringify(response.body.checks)).to.equal(verdict);
    expect(counts().computed).to.equal(computed + 1);
    return response;
  }

  it("keeps no examination from a batch's first verification, and reuses from its third", async () => {
    const batch = await createBatch(server, farm);
    await recordInspection(server, farm, batch.id);
    await anchorNow(server);
    const before = { ...counts() };
    for (const expected of [
      { reused: 0, computed: 1 },
      { reused: 0, computed: 2 },
      { reused: 1, computed: 2 },
    ]) {
      expect((await verify(batch.id)).body.verdict).to.equal("verified");
      expect({
        reused: counts().reused - before.reused,
        computed: counts().computed - before.computed,
      }).to.deep.equal(expected);
    }
  });

  it("reuses the examination of an unchanged batch, with the same checks", async () => {
    const { batch } = await verifiedUntilReused();
    const [first, second] = [await verify(batch.id), await verify(batch.id)];
    expect(second.body.checks).to.deep.equal(first.body.checks);
    expect(second.body.checkedAt).to.not.equal(undefined);
  });

  it("examines again after a new event (pending until it is anchored)", async () => {
    const { batch } = await verifiedUntilReused();
    await recordInspection(server, farm, batch.id);
    await expectExaminedAgain(batch.id, "pending");
  });

  it("examines again after a recall", async () => {
    const { batch } = await verifiedUntilReused();
    const recall = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
      key: farm.key,
      json: { type: "recalling", eventTime: "2026-05-01T09:00:00+08:00", data: { reason: "农残超标" } },
    });
    expect(recall.status, recall.text).to.equal(201);
    await expectExaminedAgain(batch.id, "recalled");
  });

  it("examines again after the certifier revokes a certification of the batch", async () => {
    const batch = await createBatch(server, farm);
    const issued = await issueCertification(server, certifier, batch.id);
    await anchorNow(server);
    expect((await verify(batch.id)).body.verdict).to.equal("verified");
    expect((await verify(batch.id)).body.verdict).to.equal("verified");
    const reused = counts().reused;
    expect((await verify(batch.id)).body.verdict).to.equal("verified");
    expect(counts().reused).to.equal(reused + 1);

    await relayStatusChange(server, certifier, issued.id, "revoked", "retest failed");
    await expectExaminedAgain(batch.id, "revoked");
  });

  it("examines again after an operator edits a stored event body in the database", async () => {
    const { batch, inspection } = await verifiedUntilReused();
    await events().updateOne(
      { _id: new Types.ObjectId(inspection.id) },
      { $set: { "body.data.results.0.value": 0.001 } },
    );
    const response = await expectExaminedAgain(batch.id, "tampered");
    expect(JSON.stringify(response.body.checks)).to.include(inspection.id);
  });
});
