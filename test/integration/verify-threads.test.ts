import { expect } from "chai";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { VerifyThreads, verifierFor } from "../../server/modules/verification";
import { verifyAnswer } from "../../server/modules/verification/verify";
import { createLogger } from "../../server/platform/logger";
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
 * Issue 15 (decision 0045): `GET /api/verify` answered by verification threads, each with its own
 * database connection and chain reader, gives exactly the answer the event loop gives, reads the
 * database as it is at each request (an operator's edit shows at once), hears of registry writes
 * this process made, and falls back to the event loop when no thread serves.
 */
describe("verification threads (VERIFY_THREADS)", function () {
  this.timeout(120_000);
  let env: TestEnv;
  let threads: VerifyThreads;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let certifier: TestCertifier;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    const { runtime } = env;
    const loop = verifierFor({
      useCaseContext: runtime.useCaseContext,
      chain: runtime.chain,
      publicBaseUrl: env.config.PUBLIC_BASE_URL,
    });
    threads = VerifyThreads.start(
      2,
      {
        databaseUri: runtime.databaseUri,
        embeddedDatabase: env.config.embedded.db,
        rpcUrl: runtime.chain.provider._getConnection().url,
        registryAddress: runtime.chain.registryAddress,
        publicBaseUrl: env.config.PUBLIC_BASE_URL,
      },
      { chain: runtime.chain, trees: loop.trees },
      createLogger("silent"),
    );
    await threads.serving();
    server = await startTestServer(env, {}, { verifyThreads: threads });
    worker = startWorker(runtime.connection, runtime.chain);
    farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
  });
  after(async () => {
    await worker.stop();
    await server.close();
    await threads.close();
  });

  const inLoop = async (publicId: string) =>
    verifyAnswer(
      publicId,
      await verifierFor({
        useCaseContext: env.runtime.useCaseContext,
        chain: env.runtime.chain,
        publicBaseUrl: env.config.PUBLIC_BASE_URL,
      }).verifyPublic(publicId),
    );
  const inThread = async (publicId: string) => {
    const answer = threads.verifyPublic(publicId);
    expect(answer, "a thread serves").to.not.equal(undefined);
    return answer!;
  };
  const withoutTime = <Answer extends { body: { checkedAt: string } }>(answer: Answer) => ({
    ...answer,
    body: { ...answer.body, checkedAt: "" },
  });
  const checkOf = (body: { checks: { name: string; status: string; detail: string }[] }, name: string) =>
    body.checks.find((check) => check.name === name)!;

  it("answers as the event loop does: pending, then verified with anchors (trees from the loop), and 404 for an unknown id", async () => {
    const batch = await createBatch(server, farm);
    await recordInspection(server, farm, batch.id);
    const publicId = await publicIdOf(server, batch.id);
    // Compared with the loop only once anchored: the worker anchors every 200 ms meanwhile.
    expect((await inThread(publicId)).body.verdict).to.equal("pending");

    await anchorNow(server);
    const before = threads.examinationCounts;
    const verified = await inThread(publicId);
    const after = threads.examinationCounts;
    expect(after.computed + after.reused, "the thread's examinations are counted").to.equal(
      before.computed + before.reused + 1,
    );
    expect(verified.status).to.equal(200);
    expect(verified.body.verdict, JSON.stringify(verified.body.checks)).to.equal("verified");
    expect(checkOf(verified.body, "merkle-proofs").status).to.equal("pass");
    expect(withoutTime(verified)).to.deep.equal(withoutTime(await inLoop(publicId)));

    const overHttp = await http(server.baseUrl, "GET", `/api/verify/${publicId}`);
    expect(overHttp.status).to.equal(200);
    expect({ status: overHttp.status, body: { ...overHttp.body, checkedAt: "" } }).to.deep.equal(
      withoutTime(verified),
    );

    const unknown = await inThread("A".repeat(22));
    expect(unknown.status).to.equal(404);
    expect(unknown.body.verdict).to.equal("unknown");
  });

  it("reads the database at each request: an edited event body is tampered at once", async () => {
    const batch = await createBatch(server, farm);
    const inspection = await recordInspection(server, farm, batch.id);
    await anchorNow(server);
    const publicId = await publicIdOf(server, batch.id);
    expect((await inThread(publicId)).body.verdict).to.equal("verified");
    await env.runtime.connection
      .db!.collection("traceevents")
      .updateOne(
        { _id: new Types.ObjectId(inspection.id) },
        { $set: { "body.data.results.0.value": 0.001 } },
      );
    const tampered = await inThread(publicId);
    expect(tampered.body.verdict).to.equal("tampered");
    expect(checkOf(tampered.body, "event-hashes").detail).to.include(inspection.id);
  });

  it("shows a revocation this process relayed in the very next verification", async () => {
    const batch = await createBatch(server, farm);
    const issued = await issueCertification(server, certifier, batch.id);
    await anchorNow(server);
    const publicId = await publicIdOf(server, batch.id);
    expect((await inThread(publicId)).body.verdict).to.equal("verified");
    await relayStatusChange(server, certifier, issued.id, "revoked", "retest failed");
    expect((await inThread(publicId)).body.verdict).to.equal("revoked");
  });

  it("lets the event loop answer while no thread serves", async () => {
    const batch = await createBatch(server, farm);
    const publicId = await publicIdOf(server, batch.id);
    const idle = VerifyThreads.start(
      0,
      {} as never,
      { chain: env.runtime.chain, trees: undefined as never },
      createLogger("silent"),
    );
    expect(idle.verifyPublic(publicId)).to.equal(undefined);
    const fallback = await startTestServer(env, {}, { verifyThreads: idle });
    try {
      const response = await http(fallback.baseUrl, "GET", `/api/verify/${publicId}`);
      expect(response.status).to.equal(200);
      expect(response.body.verdict).to.equal("pending");
    } finally {
      await fallback.close();
    }
  });
});
