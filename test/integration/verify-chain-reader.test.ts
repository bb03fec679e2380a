import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import type { ChainClient } from "../../server/platform/evm/chain-client";
import { startEmbeddedChain } from "../../server/platform/evm/embedded-chain";
import type { EmbeddedAnvil } from "../../server/platform/evm/embedded-anvil";
import { createLogger } from "../../server/platform/logger";
import { buildMerkleTree } from "../../server/platform/crypto/merkle";
import type { Hex } from "../../server/platform/crypto/keccak";
import {
  forgetChainAnswers,
  ServiceChainReader,
} from "../../server/modules/verification/verify-chain-reader";
import { recordEvents, startWorker, waitUntilAllAnchored } from "../helpers/anchoring";
import { createBatch, createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv } from "../helpers/test-env";

/** JSON-RPC requests (of `method`, or all) that `chain`'s provider sends while `run` runs. */
async function requestsOf(chain: ChainClient, run: () => Promise<unknown>, method?: string): Promise<number> {
  let calls = 0;
  const count = (info: { action: string; payload?: { method: string } | { method: string }[] }) => {
    if (info.action !== "sendRpcPayload") return;
    const payloads = Array.isArray(info.payload) ? info.payload : [info.payload];
    calls += method ? payloads.filter((payload) => payload?.method === method).length : 1;
  };
  await chain.provider.on("debug", count);
  try {
    await run();
  } finally {
    await chain.provider.off("debug", count);
  }
  return calls;
}

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
  const rpcCalls = (run: () => Promise<unknown>) => requestsOf(env.runtime.chain, run);

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
      const calls = await requestsOf(
        env.runtime.chain,
        async () => {
          for (let index = 0; index < values.length; index++) {
            expect(await reader.verifyLeaf(tree.root, tree.proof(index), tree.leafHash(index))).to.equal(
              true,
            );
          }
        },
        "eth_call",
      );
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
  /**
   * Issue 15: an anchor (or anchoring receipt) in a block the reader has looked past is kept until
   * the chain changes under it, instead of being asked again every 15 s; a reorg or reset shows at
   * the reader's next look. On a chain of its own, which the test rolls back.
   */
  describe("anchors kept until the chain changes under them", function () {
    this.timeout(120_000);
    let dir: string;
    let anvil: EmbeddedAnvil;
    let chain: ChainClient;
    let now = 0;
    const WATCH_MS = 1_000;
    const reader = () => new ServiceChainReader(chain, 15_000, 50_000, () => now, WATCH_MS);
    const randomRoot = () => ethers.hexlify(ethers.randomBytes(32));
    const anchor = async (root: string) => (await (await chain.registry.anchorRoot(root, 3)).wait())!;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-reader-reorg-"));
      ({ anvil, chain } = await startEmbeddedChain({ dataDir: dir, logger: createLogger("silent") }));
    });
    after(async () => {
      chain.close();
      await anvil.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("answers a confirmed anchor and its receipt from memory long after the TTL", async () => {
      const root = randomRoot();
      const receipt = await anchor(root);
      await chain.provider.send("evm_mine", []);
      const ours = reader();
      await ours.refresh(); // looks past the anchor's block
      expect(await ours.anchorOf(root)).to.include({ blockNumber: receipt.blockNumber });
      expect(await ours.anchoringTransaction(receipt.hash, root)).to.deep.equal({ ok: true });
      now += 3_600_000;
      await ours.refresh();
      const calls = await requestsOf(chain, async () => {
        expect(await ours.anchorOf(root)).to.include({ blockNumber: receipt.blockNumber });
        expect(await ours.anchoringTransaction(receipt.hash, root)).to.deep.equal({ ok: true });
      });
      expect(calls, "no chain call for kept facts").to.equal(0);
    });

    it("fetches the anchor and receipt of each window its look at the logs saw anchored, before anyone asks", async () => {
      const ours = reader();
      await ours.refresh();
      const roots = [randomRoot(), randomRoot()];
      const receipts: ethers.TransactionReceipt[] = [];
      for (const root of roots) {
        const previous = await chain.registry.latestWindow();
        const sent = await chain.registry.anchorWindow(root, randomRoot(), 3, previous.root);
        receipts.push((await sent.wait())!);
      }
      now += WATCH_MS;
      await ours.refresh(); // reads the two WindowAnchored logs
      await ours.prefetched();
      const calls = await requestsOf(chain, async () => {
        for (const [index, root] of roots.entries()) {
          expect(await ours.anchorOf(root)).to.include({ blockNumber: receipts[index].blockNumber });
          expect(await ours.anchoringTransaction(receipts[index].hash, root)).to.deep.equal({ ok: true });
        }
      });
      expect(calls, "no chain call: both windows' facts were fetched ahead").to.equal(0);
    });

    it("asks again an anchor newer than its last look after the TTL", async () => {
      const ours = reader();
      await ours.refresh();
      const root = randomRoot();
      await anchor(root); // mined after the look: not yet covered by it
      expect(await ours.anchorOf(root)).to.not.equal(null);
      now += 15_000;
      expect(await requestsOf(chain, () => ours.anchorOf(root), "eth_call")).to.equal(1);
    });

    it("forgets a kept anchor once a reorg replaced the block it last saw, and the generation moves", async () => {
      const ours = reader();
      const snapshot = await chain.provider.send("evm_snapshot", []);
      const root = randomRoot();
      await anchor(root);
      await chain.provider.send("evm_mine", []);
      now += WATCH_MS;
      await ours.refresh();
      expect(await ours.anchorOf(root)).to.not.equal(null);
      const generation = ours.generation;
      // Another branch from before the anchor, as long as the one the reader saw, without it.
      const height = await chain.provider.getBlockNumber();
      await chain.provider.send("evm_revert", [snapshot]);
      await chain.provider.send("anvil_mine", [
        ethers.toQuantity(height - (await chain.provider.getBlockNumber())),
      ]);
      expect(await chain.provider.getBlockNumber()).to.equal(height);
      now += WATCH_MS;
      await ours.refresh();
      expect(ours.generation).to.be.greaterThan(generation);
      expect(await ours.anchorOf(root)).to.equal(null);
    });

    it("forgets a kept anchor once the chain is reset below the block it last saw", async () => {
      const ours = reader();
      const snapshot = await chain.provider.send("evm_snapshot", []);
      const root = randomRoot();
      await anchor(root);
      now += WATCH_MS;
      await ours.refresh();
      expect(await ours.anchorOf(root)).to.not.equal(null);
      await chain.provider.send("evm_revert", [snapshot]);
      now += WATCH_MS;
      await ours.refresh();
      expect(await ours.anchorOf(root)).to.equal(null);
    });
  });
});
