import { expect } from "chai";
import { ethers } from "ethers";
import { buildMerkleTree } from "../../server/platform/crypto/merkle";
import type { Hex } from "../../server/platform/crypto/keccak";
import { ServiceChainReader } from "../../server/modules/verification/verify-chain-reader";
import { testEnv, type TestEnv } from "../helpers/test-env";

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
      const cases: [string, string[], string][] = [
        [tree.root, tree.proof(3), tree.leafHash(3)],
        [tree.root, tree.proof(3), tree.leafHash(4)],
        [tree.root, tree.proof(4).slice(1), tree.leafHash(4)],
        [tree.root, [], tree.leafHash(0)],
        [unknownRoot, tree.proof(3), tree.leafHash(3)],
      ];
      const ours = await Promise.all(cases.map((args) => reader.verifyLeaf(...args)));
      const registry = await Promise.all(
        cases.map(([root, proof, leaf]) => env.runtime.chain.registry.verifyLeaf(root, proof, leaf)),
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
});
