import { expect } from "chai";
import { Wallet } from "ethers";
import { HeadroomWallet } from "../../server/platform/evm/chain-client";
import { testEnv } from "../helpers/test-env";

/**
 * The service's signers send with a fifth more gas than the node estimates (a transaction sent with
 * exactly the estimate once ran out of gas under load); gas used is unchanged.
 */
describe("HeadroomWallet", () => {
  it("asks for a fifth more gas than the node's estimate and pays only for what it uses", async () => {
    const { runtime } = await testEnv();
    const provider = runtime.chain.provider;
    const signer = runtime.chain.signer;
    expect(signer).to.be.instanceOf(HeadroomWallet);
    // A transfer to itself: changes nothing other tests could see (no registry state).
    const call = { to: signer.address, value: 1n };
    const estimate = await provider.estimateGas({ ...call, from: signer.address });
    const populated = await signer.populateTransaction(call);
    expect(populated.gasLimit).to.equal((estimate * 6n) / 5n);
    const plain = await new Wallet(signer.privateKey, provider).populateTransaction(call);
    expect(plain.gasLimit, "a plain wallet sends with the bare estimate").to.equal(estimate);
    const receipt = await (await signer.sendTransaction(call)).wait();
    expect(receipt!.status).to.equal(1);
    expect(receipt!.gasUsed <= estimate, `${receipt!.gasUsed} used of ${estimate} estimated`).to.equal(true);
  });
});
