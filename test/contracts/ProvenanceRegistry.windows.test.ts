import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Result } from "ethers";

/** The anchoring windows of the registry: a linear history, each window committing to a ledger map. */
async function deployFixture() {
  const [admin, anchorer, stranger] = await ethers.getSigners();
  const adminTransferDelay = 3 * 24 * 3600;
  const registry = await ethers.deployContract("ProvenanceRegistry", [
    admin.address,
    adminTransferDelay,
    anchorer.address,
  ]);
  return { registry, admin, anchorer, stranger };
}

function fieldsOf(struct: object) {
  return (struct as Result).toObject();
}

const ROOT_1 = ethers.id("window 1 events");
const ROOT_2 = ethers.id("window 2 events");
const MAP_1 = ethers.id("map after window 1");
const MAP_2 = ethers.id("map after window 2");

describe("ProvenanceRegistry windows", () => {
  describe("anchorWindow", () => {
    it("anchors the first window at index 1, stores its map root and emits RootAnchored then WindowAnchored", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      const tx = await registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 7, ethers.ZeroHash);
      const receipt = await tx.wait();
      const anchoredAt = await time.latest();
      await expect(tx).to.emit(registry, "RootAnchored").withArgs(ROOT_1, 7, anchoredAt, anchorer.address);
      await expect(tx).to.emit(registry, "WindowAnchored").withArgs(1, ROOT_1, MAP_1, ethers.ZeroHash);
      expect(fieldsOf(await registry.anchorOf(ROOT_1))).to.deep.equal({
        timestamp: BigInt(anchoredAt),
        blockNumber: BigInt(receipt!.blockNumber),
        leafCount: 7n,
        window: 1n,
      });
      expect(await registry.mapRootOf(ROOT_1)).to.equal(MAP_1);
      expect(fieldsOf(await registry.latestWindow())).to.deep.equal({
        index: 1n,
        root: ROOT_1,
        mapRoot: MAP_1,
      });
    });

    it("chains the next window to the previous one and keeps the earlier map root readable", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 7, ethers.ZeroHash);
      const tx = await registry.connect(anchorer).anchorWindow(ROOT_2, MAP_2, 3, ROOT_1);
      await expect(tx).to.emit(registry, "WindowAnchored").withArgs(2, ROOT_2, MAP_2, ROOT_1);
      expect(fieldsOf(await registry.latestWindow())).to.deep.equal({
        index: 2n,
        root: ROOT_2,
        mapRoot: MAP_2,
      });
      expect((await registry.anchorOf(ROOT_2)).window).to.equal(2n);
      expect(await registry.mapRootOf(ROOT_1)).to.equal(MAP_1);
    });

    it("accepts an empty map (zero map root)", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorWindow(ROOT_1, ethers.ZeroHash, 1, ethers.ZeroHash);
      expect(fieldsOf(await registry.latestWindow())).to.deep.equal({
        index: 1n,
        root: ROOT_1,
        mapRoot: ethers.ZeroHash,
      });
    });

    it("reverts when the previous root is not the newest window, naming both", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 1, ROOT_2))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryWindowOutOfOrder")
        .withArgs(ethers.ZeroHash, ROOT_2);
      await registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 1, ethers.ZeroHash);
      await expect(registry.connect(anchorer).anchorWindow(ROOT_2, MAP_2, 1, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryWindowOutOfOrder")
        .withArgs(ROOT_1, ethers.ZeroHash);
    });

    it("reverts for a root anchored before, also one anchored with anchorRoot", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(ROOT_1, 1);
      const firstAt = await time.latest();
      await expect(registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 1, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryRootAlreadyAnchored")
        .withArgs(ROOT_1, firstAt);
    });

    it("reverts for the zero root and a zero leaf count", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(
        registry.connect(anchorer).anchorWindow(ethers.ZeroHash, MAP_1, 1, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(registry, "ProvenanceRegistryZeroRoot");
      await expect(
        registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 0, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(registry, "ProvenanceRegistryZeroLeafCount");
    });

    it("reverts for callers without the anchorer role, the admin included", async () => {
      const { registry, admin, stranger } = await loadFixture(deployFixture);
      const anchorerRole = await registry.ANCHORER_ROLE();
      for (const caller of [stranger, admin]) {
        await expect(registry.connect(caller).anchorWindow(ROOT_1, MAP_1, 1, ethers.ZeroHash))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, anchorerRole);
      }
    });

    it("leaves roots anchored with anchorRoot outside the history", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorWindow(ROOT_1, MAP_1, 1, ethers.ZeroHash);
      await registry.connect(anchorer).anchorRoot(ROOT_2, 1);
      expect((await registry.anchorOf(ROOT_2)).window).to.equal(0n);
      expect(await registry.mapRootOf(ROOT_2)).to.equal(ethers.ZeroHash);
      expect((await registry.latestWindow()).root).to.equal(ROOT_1);
    });
  });

  describe("latestWindow", () => {
    it("is all zero before the first window", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(fieldsOf(await registry.latestWindow())).to.deep.equal({
        index: 0n,
        root: ethers.ZeroHash,
        mapRoot: ethers.ZeroHash,
      });
    });
  });
});
