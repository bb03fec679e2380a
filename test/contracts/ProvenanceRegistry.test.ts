import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ProvenanceRegistryHarness } from "../../typechain-types";

const Status = { None: 0, Suspended: 1, Revoked: 2 } as const;
const CERT = ethers.id("certificate ZJ-ORG-2026-0001");
const OTHER_CERT = ethers.id("certificate ZJ-GI-2026-0042");
const METADATA = ethers.id("metadata");

async function deployFixture() {
  const [admin, anchorer, certifier, otherCertifier, stranger, relayer] = await ethers.getSigners();
  const registry = await ethers.deployContract("ProvenanceRegistryHarness", [admin.address]);
  await registry.grantRole(await registry.ANCHORER_ROLE(), anchorer.address);
  await registry.registerCertifier(certifier.address, "浙江省有机产品认证中心", METADATA);
  await registry.registerCertifier(otherCertifier.address, "Other certifier", ethers.ZeroHash);
  return { registry, admin, anchorer, certifier, otherCertifier, stranger, relayer };
}

async function signStatusChange(
  registry: ProvenanceRegistryHarness,
  signer: HardhatEthersSigner,
  change: {
    certHash: string;
    status: number;
    reason: string;
    certifier: string;
    deadline: bigint;
    nonce?: bigint;
  },
) {
  const { chainId } = await ethers.provider.getNetwork();
  const nonce = change.nonce ?? (await registry.nonces(change.certifier));
  return signer.signTypedData(
    { name: "ProvenanceRegistry", version: "1", chainId, verifyingContract: await registry.getAddress() },
    {
      CertificationStatusChange: [
        { name: "certHash", type: "bytes32" },
        { name: "status", type: "uint8" },
        { name: "reason", type: "string" },
        { name: "certifier", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { ...change, nonce },
  );
}

describe("ProvenanceRegistry", () => {
  describe("constructor", () => {
    it("grants the admin role to the given admin", async () => {
      const { registry, admin } = await loadFixture(deployFixture);
      expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
    });

    it("rejects the zero address as admin", async () => {
      const factory = await ethers.getContractFactory("ProvenanceRegistry");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "ProvenanceRegistryZeroAddress",
      );
    });

    it("exposes the EIP-712 domain separator of name ProvenanceRegistry, version 1", async () => {
      const { registry } = await loadFixture(deployFixture);
      const { chainId } = await ethers.provider.getNetwork();
      const expected = ethers.TypedDataEncoder.hashDomain({
        name: "ProvenanceRegistry",
        version: "1",
        chainId,
        verifyingContract: await registry.getAddress(),
      });
      expect(await registry.domainSeparator()).to.equal(expected);
    });

    it("supports the AccessControl interface", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.supportsInterface("0x7965db0b")).to.equal(true);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("anchorRoot", () => {
    const root = ethers.id("root 1");

    it("stores time, block and leaf count and emits RootAnchored", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      const tx = await registry.connect(anchorer).anchorRoot(root, 42);
      const receipt = await tx.wait();
      const block = await ethers.provider.getBlock(receipt!.blockNumber);
      await expect(tx)
        .to.emit(registry, "RootAnchored")
        .withArgs(root, 42, block!.timestamp, anchorer.address);
      expect(await registry.anchoredAt(root)).to.equal(block!.timestamp);
      const anchor = await registry.anchorOf(root);
      expect([anchor.timestamp, anchor.blockNumber, anchor.leafCount]).to.deep.equal([
        BigInt(block!.timestamp),
        BigInt(receipt!.blockNumber),
        42n,
      ]);
    });

    it("answers 0 for a root never anchored", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.anchoredAt(root)).to.equal(0);
      const anchor = await registry.anchorOf(root);
      expect(anchor.timestamp).to.equal(0);
    });

    it("rejects the zero root", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(registry.connect(anchorer).anchorRoot(ethers.ZeroHash, 1)).to.be.revertedWithCustomError(
        registry,
        "ProvenanceRegistryZeroRoot",
      );
    });

    it("rejects a zero leaf count", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(registry.connect(anchorer).anchorRoot(root, 0)).to.be.revertedWithCustomError(
        registry,
        "ProvenanceRegistryZeroLeafCount",
      );
    });

    it("rejects a root anchored before, naming when", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(root, 1);
      const first = await registry.anchoredAt(root);
      await expect(registry.connect(anchorer).anchorRoot(root, 1))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryRootAlreadyAnchored")
        .withArgs(root, first);
    });

    it("rejects callers without the anchorer role", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).anchorRoot(root, 1))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.ANCHORER_ROLE());
    });

    it("uses the registry clock for the anchoring time", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.setTime(1_900_000_000);
      await expect(registry.connect(anchorer).anchorRoot(root, 3))
        .to.emit(registry, "RootAnchored")
        .withArgs(root, 3, 1_900_000_000, anchorer.address);
    });
  });

  describe("verifyLeaf", () => {
    const eventHashes = Array.from({ length: 7 }, (_, index) => ethers.id(`event ${index}`));
    const tree = StandardMerkleTree.of(
      eventHashes.map((hash) => [hash]),
      ["bytes32"],
    );

    it("accepts every proof of an anchored StandardMerkleTree", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(tree.root, eventHashes.length);
      for (const [index, value] of tree.entries()) {
        expect(await registry.verifyLeaf(tree.root, tree.getProof(index), tree.leafHash(value))).to.equal(
          true,
        );
      }
    });

    it("rejects a leaf that is not in the tree", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(tree.root, eventHashes.length);
      const outsider = tree.leafHash([ethers.id("not recorded")]);
      expect(await registry.verifyLeaf(tree.root, tree.getProof(0), outsider)).to.equal(false);
    });

    it("rejects a valid proof against a root that was never anchored", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(
        await registry.verifyLeaf(tree.root, tree.getProof(0), tree.leafHash([eventHashes[0]])),
      ).to.equal(false);
    });
  });

  describe("registerCertifier", () => {
    it("records the certifier, grants the certifier role and emits CertifierRegistered", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.registerCertifier(stranger.address, "绿色食品发展中心", METADATA))
        .to.emit(registry, "CertifierRegistered")
        .withArgs(stranger.address, "绿色食品发展中心", METADATA);
      const record = await registry.certifierOf(stranger.address);
      expect([record.name, record.metadataHash, record.registeredAt, record.active]).to.deep.equal([
        "绿色食品发展中心",
        METADATA,
        BigInt(await time.latest()),
        true,
      ]);
      expect(await registry.isCertifier(stranger.address)).to.equal(true);
      expect(await registry.hasRole(await registry.CERTIFIER_ROLE(), stranger.address)).to.equal(true);
    });

    it("rejects the zero address", async () => {
      const { registry } = await loadFixture(deployFixture);
      await expect(
        registry.registerCertifier(ethers.ZeroAddress, "x", METADATA),
      ).to.be.revertedWithCustomError(registry, "ProvenanceRegistryZeroAddress");
    });

    it("rejects a certifier that is already active", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.registerCertifier(certifier.address, "again", METADATA))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierAlreadyRegistered")
        .withArgs(certifier.address);
    });

    it("re-registers a deregistered certifier", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.deregisterCertifier(certifier.address);
      await registry.registerCertifier(certifier.address, "renamed", ethers.ZeroHash);
      expect((await registry.certifierOf(certifier.address)).name).to.equal("renamed");
      expect(await registry.isCertifier(certifier.address)).to.equal(true);
    });

    it("rejects callers who are not the admin", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).registerCertifier(stranger.address, "self", METADATA))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("deregisterCertifier", () => {
    it("deactivates the certifier, revokes its role and emits CertifierDeregistered", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.deregisterCertifier(certifier.address))
        .to.emit(registry, "CertifierDeregistered")
        .withArgs(certifier.address);
      expect(await registry.isCertifier(certifier.address)).to.equal(false);
      expect((await registry.certifierOf(certifier.address)).active).to.equal(false);
      expect(await registry.hasRole(await registry.CERTIFIER_ROLE(), certifier.address)).to.equal(false);
    });

    it("rejects an address that is not an active certifier", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.deregisterCertifier(stranger.address))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
    });

    it("rejects callers who are not the admin", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).deregisterCertifier(certifier.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("revokeCertification / suspendCertification / reinstateCertification", () => {
    it("revokes, records the owner and time, and emits CertificationStatusChanged", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.connect(certifier).revokeCertification(CERT, "fraudulent evidence"))
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, "fraudulent evidence");
      expect(await registry.isRevoked(CERT)).to.equal(true);
      const record = await registry.certificationOf(CERT);
      expect([record.status, record.certifier, record.updatedAt]).to.deep.equal([
        BigInt(Status.Revoked),
        certifier.address,
        BigInt(await time.latest()),
      ]);
    });

    it("suspends and reinstates", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.connect(certifier).suspendCertification(CERT, "audit pending"))
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Suspended, "audit pending");
      expect((await registry.certificationOf(CERT)).status).to.equal(Status.Suspended);
      expect(await registry.isRevoked(CERT)).to.equal(false);
      await expect(registry.connect(certifier).reinstateCertification(CERT, "audit passed"))
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.None, "audit passed");
      expect((await registry.certificationOf(CERT)).status).to.equal(Status.None);
    });

    it("treats revocation as final", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).revokeCertification(CERT, "withdrawn");
      const asOwner = registry.connect(certifier);
      for (const change of [
        () => asOwner.revokeCertification(CERT, "again"),
        () => asOwner.suspendCertification(CERT, "again"),
        () => asOwner.reinstateCertification(CERT, "again"),
      ]) {
        await expect(change())
          .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationRevoked")
          .withArgs(CERT);
      }
    });

    it("rejects suspending a suspended certification", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "one");
      await expect(registry.connect(certifier).suspendCertification(CERT, "two"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationAlreadySuspended")
        .withArgs(CERT);
    });

    it("rejects reinstating a certification that is not suspended", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.connect(certifier).reinstateCertification(CERT, "nothing to lift"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotSuspended")
        .withArgs(CERT);
    });

    it("lets only the certifier that owns a certification change it", async () => {
      const { registry, certifier, otherCertifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "mine");
      await expect(registry.connect(otherCertifier).revokeCertification(CERT, "not mine"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryNotCertificationOwner")
        .withArgs(CERT, certifier.address, otherCertifier.address);
    });

    it("rejects the zero certification hash", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(
        registry.connect(certifier).revokeCertification(ethers.ZeroHash, "x"),
      ).to.be.revertedWithCustomError(registry, "ProvenanceRegistryZeroCertHash");
    });

    it("rejects callers who are not active certifiers", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).revokeCertification(CERT, "x"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
      await registry.deregisterCertifier(certifier.address);
      await expect(registry.connect(certifier).suspendCertification(CERT, "x"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(certifier.address);
    });
  });

  describe("revokeCertificationBySig / setCertificationStatusBySig", () => {
    async function deadlineIn(seconds: number) {
      return BigInt((await time.latest()) + seconds);
    }

    it("revokes with the certifier's EIP-712 signature relayed by anyone", async () => {
      const { registry, certifier, relayer } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(3600);
      const reason = "检测不合格";
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason,
        certifier: certifier.address,
        deadline,
      });
      await expect(
        registry
          .connect(relayer)
          .revokeCertificationBySig(CERT, reason, certifier.address, deadline, signature),
      )
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, reason);
      expect(await registry.isRevoked(CERT)).to.equal(true);
      expect(await registry.nonces(certifier.address)).to.equal(1);
    });

    it("suspends and reinstates with signatures", async () => {
      const { registry, certifier, relayer } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(3600);
      for (const status of [Status.Suspended, Status.None]) {
        const signature = await signStatusChange(registry, certifier, {
          certHash: OTHER_CERT,
          status,
          reason: "r",
          certifier: certifier.address,
          deadline,
        });
        await expect(
          registry
            .connect(relayer)
            .setCertificationStatusBySig(OTHER_CERT, status, "r", certifier.address, deadline, signature),
        )
          .to.emit(registry, "CertificationStatusChanged")
          .withArgs(OTHER_CERT, certifier.address, status, "r");
        expect((await registry.certificationOf(OTHER_CERT)).status).to.equal(status);
      }
    });

    it("rejects an expired signature", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(60);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "late",
        certifier: certifier.address,
        deadline,
      });
      await registry.setTime(Number(deadline) + 1);
      await expect(registry.revokeCertificationBySig(CERT, "late", certifier.address, deadline, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistrySignatureExpired")
        .withArgs(deadline);
    });

    it("rejects a signature by someone other than the named certifier", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(3600);
      const signature = await signStatusChange(registry, stranger, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "forged",
        certifier: certifier.address,
        deadline,
      });
      await expect(registry.revokeCertificationBySig(CERT, "forged", certifier.address, deadline, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("rejects a signature whose reason was altered in transit", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(3600);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Suspended,
        reason: "audit pending",
        certifier: certifier.address,
        deadline,
      });
      await expect(
        registry.setCertificationStatusBySig(
          CERT,
          Status.Revoked,
          "audit pending",
          certifier.address,
          deadline,
          signature,
        ),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("rejects replaying a signature whose nonce was used", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(3600);
      const signature = await signStatusChange(registry, certifier, {
        certHash: OTHER_CERT,
        status: Status.Suspended,
        reason: "once",
        certifier: certifier.address,
        deadline,
      });
      await registry.setCertificationStatusBySig(
        OTHER_CERT,
        Status.Suspended,
        "once",
        certifier.address,
        deadline,
        signature,
      );
      await registry.connect(certifier).reinstateCertification(OTHER_CERT, "lifted");
      await expect(
        registry.setCertificationStatusBySig(
          OTHER_CERT,
          Status.Suspended,
          "once",
          certifier.address,
          deadline,
          signature,
        ),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("rejects a valid signature from an address that is not an active certifier", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(3600);
      const signature = await signStatusChange(registry, stranger, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "not a certifier",
        certifier: stranger.address,
        deadline,
      });
      await expect(
        registry.revokeCertificationBySig(CERT, "not a certifier", stranger.address, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
    });
  });
});
