import { expect } from "chai";
import { ethers } from "ethers";
import { sendRegistryTransaction } from "../../server/modules/certifications/certification-chain";
import { testEnv, type TestEnv } from "../helpers/test-env";

/** Registry transactions the service sends (relays, registrations), against the real test chain. */
describe("registry transactions (sendRegistryTransaction)", () => {
  let env: TestEnv;

  before(async () => {
    env = await testEnv();
  });

  it("sends a call once more when it reverted on chain but simulates fine again, and reports each hash", async () => {
    const { registry } = env.runtime.chain;
    const root = ethers.hexlify(ethers.randomBytes(32));
    let sends = 0;
    const hashes: string[] = [];
    const outcome = await sendRegistryTransaction(
      env.runtime.chain,
      "anchorRoot",
      {
        simulate: () => registry.anchorRoot.staticCall(root, 1),
        // The first transaction runs out of gas: a revert whose cause is gone once it is mined.
        send: () =>
          sends++ === 0 ? registry.anchorRoot(root, 1, { gasLimit: 25_000 }) : registry.anchorRoot(root, 1),
      },
      { onSent: async (txHash) => void hashes.push(txHash) },
    );
    expect(outcome.kind).to.equal("mined");
    expect(sends).to.equal(2);
    expect(hashes).to.have.length(2);
    expect(hashes[0]).to.not.equal(hashes[1]);
    expect(Number((await registry.anchorOf(root)).timestamp)).to.be.greaterThan(0);
  });

  it("does not send again when the simulation after the revert names a reason", async () => {
    const { registry } = env.runtime.chain;
    const root = ethers.hexlify(ethers.randomBytes(32));
    let sends = 0;
    const outcome = await sendRegistryTransaction(env.runtime.chain, "anchorRoot", {
      simulate: () => registry.anchorRoot.staticCall(root, 1),
      send: async () => {
        sends++;
        const starved = await registry.anchorRoot(root, 1, { gasLimit: 25_000 });
        await (await registry.anchorRoot(root, 1)).wait(); // meanwhile the root gets anchored
        return starved;
      },
    });
    expect(sends).to.equal(1);
    expect(outcome.kind).to.equal("reverted");
    expect(outcome.kind === "reverted" && outcome.error.message).to.match(
      /AlreadyAnchored|already anchored/i,
    );
  });
});
