import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import type { ChainClient } from "../../server/platform/evm/chain-client";
import { startEmbeddedAnvil, type EmbeddedAnvil } from "../../server/platform/evm/embedded-anvil";
import { startEmbeddedChain } from "../../server/platform/evm/embedded-chain";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { traceEventModel, type TraceEventDoc } from "../../server/modules/ledger/data/trace-event.model";
import { createLogger } from "../../server/platform/logger";
import { findFreePort } from "../../server/platform/net/free-port";
import {
  assertAnchoredExactlyOnce,
  recordEvents,
  startWorker,
  waitFor,
  waitUntilAllAnchored,
} from "../helpers/anchoring";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * The worker against a chain of its own that the tests stop, restart, stall and roll back: an
 * anvil node with persisted state (as in embedded mode) on a fixed port.
 */
describe("anchoring when the chain misbehaves", function () {
  this.timeout(180_000);
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  let dir: string;
  let port: number;
  let anvil: EmbeddedAnvil;
  let chain: ChainClient;
  let worker: AnchorWorker | undefined;

  before(async () => {
    env = await testEnv();
  });
  beforeEach(async () => {
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-anchoring-chain-"));
    port = await findFreePort();
    ({ anvil, chain } = await startEmbeddedChain({ dataDir: dir, port, logger: createLogger("silent") }));
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    chain.close();
    await anvil.stop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const connection = () => env.runtime.connection;
  const proofOf = (eventId: string) =>
    http(server.baseUrl, "GET", `/api/events/${eventId}/proof`, { key: server.adminKey });
  const windows = async () =>
    (await anchorWindowModel(connection())
      .collection.find({})
      .sort({ _id: 1 })
      .toArray()) as AnchorWindowDoc[];

  it("accepts events while the chain is down, backs off exponentially up to the cap, then drains the backlog", async () => {
    const batch = await createBatch(server, producer);
    worker = startWorker(connection(), chain, { backoffBaseMs: 100, backoffMaxMs: 800 });
    await recordEvents(server, producer, batch.id, 2);
    await waitUntilAllAnchored(connection());

    await anvil.stop();
    await recordEvents(server, producer, batch.id, 4);
    const status = await waitFor("five consecutive failures", () => {
      const current = worker!.status();
      return current.recentBackoffsMs.length >= 5 ? current : undefined;
    });
    expect(status.recentBackoffsMs.slice(0, 5)).to.deep.equal([100, 200, 400, 800, 800]);
    expect(status.role).to.equal("leader");
    expect(status.lastError).to.match(/ECONNREFUSED|connect/);
    const health = await http(server.baseUrl, "GET", "/healthz");
    expect(health.body.anchoring.pending).to.equal(4);
    expect(health.body.anchoring.lagSeconds).to.be.above(0);

    anvil = await startEmbeddedAnvil({ dir: path.join(dir, "chain"), port });
    await waitUntilAllAnchored(connection());
    expect(worker.status()).to.include({ consecutiveFailures: 0, backoffMs: 0 });
    const { events } = await assertAnchoredExactlyOnce(connection(), chain, proofOf);
    expect(events).to.have.length(7);
  });

  it("replaces a transaction stuck in the mempool with the same nonce and a higher fee", async () => {
    const batch = await createBatch(server, producer);
    await chain.provider.send("evm_setAutomine", [false]);
    worker = startWorker(connection(), chain, { stuckTxMs: 300, feeBumpPercent: 25 });
    await recordEvents(server, producer, batch.id, 2);

    const [first, second] = await waitFor("a replacement transaction", async () => {
      const [window] = await windows();
      return window && window.attempts.length >= 2 ? window.attempts : undefined;
    });
    expect(second.nonce).to.equal(first.nonce);
    expect(BigInt(second.maxFeePerGas) >= (BigInt(first.maxFeePerGas) * 125n) / 100n).to.equal(true);
    expect(
      BigInt(second.maxPriorityFeePerGas) >= (BigInt(first.maxPriorityFeePerGas) * 125n) / 100n,
    ).to.equal(true);
    await waitFor("a replacement in the mempool", async () => {
      const [window] = await windows();
      const replacements = await Promise.all(
        window.attempts.slice(1).map((attempt) => chain.provider.getTransaction(attempt.txHash)),
      );
      return replacements.some((transaction) => transaction !== null);
    });
    expect(await chain.provider.getTransaction(first.txHash), "the stuck transaction left the pool").to.equal(
      null,
    );

    await chain.provider.send("evm_mine", []);
    await chain.provider.send("evm_setAutomine", [true]);
    await waitUntilAllAnchored(connection());
    const [window] = await windows();
    expect(new Set(window.attempts.map((attempt) => attempt.nonce))).to.deep.equal(new Set([first.nonce]));
    const mined = [];
    for (const attempt of window.attempts) {
      if (await chain.provider.getTransactionReceipt(attempt.txHash)) mined.push(attempt.txHash);
    }
    expect(mined).to.deep.equal([window.txHash]);
    expect(mined[0]).to.not.equal(first.txHash);
    await assertAnchoredExactlyOnce(connection(), chain, proofOf);
  });

  it("anchors a root again when the chain forgets it (node restarted from older state, reorg)", async () => {
    const batch = await createBatch(server, producer);
    await recordEvents(server, producer, batch.id, 2);
    const snapshot = await chain.provider.send("evm_snapshot", []);
    worker = startWorker(connection(), chain);
    await waitUntilAllAnchored(connection());
    await worker.stop();
    const [anchored] = await windows();
    expect(anchored.state).to.equal("completed");
    const before = (await traceEventModel(connection()).collection.find({}).toArray()) as TraceEventDoc[];

    await chain.provider.send("evm_revert", [snapshot]);
    expect(Number((await chain.registry.anchorOf(anchored.root!)).blockNumber)).to.equal(0);

    worker = startWorker(connection(), chain);
    const again = await waitFor("the window to be anchored again", async () => {
      const [window] = await windows();
      return window.rolledBackAt && window.state === "completed" ? window : undefined;
    });
    expect(again.root).to.equal(anchored.root);
    // The stored signed transaction is valid again after the rollback (its nonce is free again).
    const receipt = await chain.provider.getTransactionReceipt(again.txHash!);
    expect(receipt?.blockNumber).to.equal(again.blockNumber);
    expect(Number((await chain.registry.anchorOf(again.root!)).blockNumber)).to.equal(again.blockNumber);
    const after = (await traceEventModel(connection()).collection.find({}).toArray()) as TraceEventDoc[];
    expect(after.map((event) => event.anchor)).to.deep.equal(before.map((event) => event.anchor));
    await assertAnchoredExactlyOnce(connection(), chain, proofOf);
  });
});
