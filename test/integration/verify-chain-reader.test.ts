import { expect } from "chai";
import { ethers } from "ethers";
import { buildMerkleTree } from "../../server/platform/crypto/merkle";
import type { Hex } from "../../server/platform/crypto/keccak";
import {
  forgetChainAnswers,
  ServiceChainReader,
} from "../../server/modules/verification/verify-chain-reader";
import { recordEvents, startWorker, waitUntilAllAnchored } from "../helpers/anchoring";
import { createBatch, createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv } from "../helpers/test-env";

/** The service's chain reader against the real test chain and registry. */
describe("verification: ServiceChainReader", () => {
  let env: TestEnv;
  const values = Array.from({ length: 20 }, () => ethers.hexlify(ethers.randomBytes(32)) as Hex);
  const tree = buildMerkleTree(values);

  before(async () => {
    env = await testEnv();
    await (await env.runtime.chain.registry.anchorRoot(tree.root, values.length)).wait();
  });

  /** JSON-RPC requests the provider sends while `run` runs. */
  async function rpcCalls(run: () => Promise<unknown>): Promise<number> {
    let calls = 0;
    const count = (info: { action: string }) => {
      if (info.action === "sendRpcPayload") calls++;
    };
    await env.runtime.chain.provider.on("debug", count);
    try {
      await run();
    } finally {
      await env.runtime.chain.provider.off("debug", count);
    }
    return calls;
  }

  describe("verifyLeaf", () => {
    it("answers as the registry's verifyLeaf does: accepted leaves, wrong leaves, wrong proofs, unknown roots", async () => {
      const reader = new ServiceChainReader(env.runtime.chain);
      const unknownRoot = ethers.hexlify(ethers.randomBytes(32));
      const cases: [string, readonly string[], string][] = [
        [tree.root, tree.proof(3), tree.leafHash(3)],
        [tree.root, tree.proof(3), tree.leafHash(4)],
        [tree.root, tree.proof(4).slice(1), tree.leafHash(4)],
        [tree.root, [], tree.leafHash(0)],
        [unknownRoot, tree.proof(3), tree.leafHash(3)],
      ];
      const ours = await Promise.all(cases.map((args) => reader.verifyLeaf(...args)));
      const registry = await Promise.all(
        cases.map(([root, proof, leaf]) => env.runtime.chain.registry.verifyLeaf(root, [...proof], leaf)),
      );
      expect(ours).to.deep.equal(registry);
      expect(ours).to.deep.equal([true, false, false, false, false]);
    });

    it("asks the chain once per root, not once per event", async () => {
      const reader = new ServiceChainReader(env.runtime.chain);
      const calls = await rpcCalls(async () => {
        for (let index = 0; index < values.length; index++) {
          expect(await reader.verifyLeaf(tree.root, tree.proof(index), tree.leafHash(index))).to.equal(true);
        }
      });
      expect(calls).to.equal(1);
    });
  });

  /**
   * Issue 15: the newest window is cached, and dropped when the registry logs a `WindowAnchored`
   * (read at most every `watchMs`) or when this process's anchoring worker confirms a window.
   */
  describe("latestWindow", function () {
    this.timeout(120_000);

    /** Anchors one window of three events through this process's anchoring worker. */
    async function anchorWindowHere(): Promise<void> {
      await clearDatabase(env);
      const server = await startTestServer(env);
      const worker = startWorker(env.runtime.connection, env.runtime.chain);
      try {
        const producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
        const batch = await createBatch(server, producer);
        await recordEvents(server, producer, batch.id, 2);
        await waitUntilAllAnchored(env.runtime.connection);
      } finally {
        await worker.stop();
        await server.close();
      }
    }

    async function onChain() {
      const window = await env.runtime.chain.registry.latestWindow();
      return { index: Number(window.index), root: window.root, mapRoot: window.mapRoot };
    }

    it("is asked once, then answered from memory until the registry's logs are read again", async () => {
      const reader = new ServiceChainReader(env.runtime.chain, 15_000, 50_000, () => 0, 60_000);
      await reader.latestWindow();
      const calls = await rpcCalls(async () => {
        for (let index = 0; index < 5; index++) await reader.latestWindow();
      });
      expect(calls).to.equal(0);
    });

    it("is asked again after a chain reset (forgetChainAnswers)", async () => {
      const reader = new ServiceChainReader(env.runtime.chain, 3_600_000, 50_000, () => 0, 3_600_000);
      await reader.latestWindow();
      forgetChainAnswers(env.runtime.chain);
      expect(await rpcCalls(() => reader.latestWindow())).to.be.greaterThan(0);
    });

    it("shows a window this process's anchoring worker confirmed at once, without waiting for the log poll", async () => {
      const reader = new ServiceChainReader(env.runtime.chain, 3_600_000, 50_000, () => 0, 3_600_000);
      const before = await reader.latestWindow();
      await anchorWindowHere();
      const after = await onChain();
      expect(after.index).to.be.greaterThan(before.index);
      expect(await reader.latestWindow()).to.deep.equal(after);
    });

    it("shows another instance's window after the next read of the registry's logs", async () => {
      let now = 0;
      // Another instance: its own chain client, so this process's announcements do not reach it.
      const reader = new ServiceChainReader({ ...env.runtime.chain }, 3_600_000, 50_000, () => now, 1_000);
      const before = await reader.latestWindow();
      await anchorWindowHere();
      expect(await reader.latestWindow(), "cached until the log poll").to.deep.equal(before);
      now += 1_000;
      expect(await reader.latestWindow()).to.deep.equal(await onChain());
    });
  });
});
