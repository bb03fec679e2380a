import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Interface, Result, Signer } from "ethers";
import {
  IAccessControlDefaultAdminRules__factory,
  IAccessControl__factory,
  IERC165__factory,
  IProvenanceRegistry__factory,
  type ProvenanceRegistry,
} from "../../typechain-types";

const Status = { None: 0, Suspended: 1, Revoked: 2 } as const;
type StatusValue = (typeof Status)[keyof typeof Status];

const CERT = ethers.id("certificate ZJ-ORG-2026-0001");
const METADATA = ethers.id("accreditation CNCA-R-2026-001");
const HOUR = 3600;
const ADMIN_DELAY = 3 * 24 * HOUR;

/** A minimal certification as EIP-712 typed data: certHash is its digest, as in the service. */
const CERTIFICATION_TYPES = {
  Certification: [
    { name: "certifier", type: "address" },
    { name: "certificateNumber", type: "string" },
  ],
};

const STATUS_CHANGE_TYPES = {
  CertificationStatusChange: [
    { name: "certHash", type: "bytes32" },
    { name: "status", type: "uint8" },
    { name: "reason", type: "string" },
    { name: "certifier", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

interface StatusChange {
  certHash: string;
  status: StatusValue;
  reason: string;
  certifier: string;
  deadline: bigint;
  nonce?: bigint;
}

/** `certifier` has issued CERT; `walletKey` signs raw digests for the ERC-1271 `wallet` (not registered). */
async function deployFixture() {
  const [admin, anchorer, certifier, otherCertifier, stranger, relayer] = await ethers.getSigners();
  const registry = await ethers.deployContract("ProvenanceRegistry", [
    admin.address,
    ADMIN_DELAY,
    anchorer.address,
  ]);
  await registry.registerCertifier(certifier.address, "浙江省有机产品认证中心", METADATA);
  await registry.registerCertifier(otherCertifier.address, "Other certification body", ethers.ZeroHash);
  await registry.connect(certifier).issueCertification(CERT);
  const issuedAt = BigInt(await time.latest());
  const walletKey = ethers.Wallet.createRandom();
  const wallet = await ethers.deployContract("ERC1271SignerMock", [walletKey.address]);
  return {
    registry,
    wallet,
    admin,
    anchorer,
    certifier,
    otherCertifier,
    stranger,
    relayer,
    walletKey,
    issuedAt,
  };
}

/** Signs a certification as a certifier does; its certHash is the EIP-712 digest of what was signed. */
async function signCertification(registry: ProvenanceRegistry, signer: Signer, certifier: string) {
  const domain = { ...(await domainOf(registry)), name: "EcoTrace Certification" };
  const message = { certifier, certificateNumber: `ZJ-ORG-${Math.random()}` };
  return {
    certHash: ethers.TypedDataEncoder.hash(domain, CERTIFICATION_TYPES, message),
    signature: await signer.signTypedData(domain, CERTIFICATION_TYPES, message),
  };
}

/** The issuance of `certHash` by `issuer`, as named fields. */
async function recordOf(registry: ProvenanceRegistry, issuer: string, certHash = CERT) {
  return fieldsOf(await registry.certificationOf(certHash, issuer));
}

async function domainOf(registry: ProvenanceRegistry) {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    name: "ProvenanceRegistry",
    version: "1",
    chainId,
    verifyingContract: await registry.getAddress(),
  };
}

/** Signs a status change as a certifier CLI would; the nonce defaults to the certifier's next one. */
async function signStatusChange(
  registry: ProvenanceRegistry,
  signer: Pick<HardhatEthersSigner, "signTypedData">,
  change: StatusChange,
) {
  const nonce = change.nonce ?? (await registry.nonces(change.certifier));
  return signer.signTypedData(await domainOf(registry), STATUS_CHANGE_TYPES, { ...change, nonce });
}

async function deadlineIn(seconds: number) {
  return BigInt((await time.latest()) + seconds);
}

/** Named fields of a struct returned by the registry (typechain's struct types omit ethers' `toObject`). */
function fieldsOf(struct: object) {
  return (struct as Result).toObject();
}

/** ERC-165 identifier of an interface: XOR of its own function selectors. */
function interfaceId(contractInterface: Interface) {
  let id = 0;
  contractInterface.forEachFunction((fragment) => {
    id ^= Number.parseInt(fragment.selector.slice(2), 16);
  });
  return ethers.toBeHex(id >>> 0, 4);
}

describe("ProvenanceRegistry", () => {
  describe("constructor", () => {
    it("gives the admin role to the admin only, with its transfer delay, and the anchorer role to the anchorer only", async () => {
      const { registry, admin, anchorer } = await loadFixture(deployFixture);
      const adminRole = await registry.DEFAULT_ADMIN_ROLE();
      const anchorerRole = await registry.ANCHORER_ROLE();
      expect(await registry.defaultAdmin()).to.equal(admin.address);
      expect(await registry.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await registry.hasRole(adminRole, anchorer.address)).to.equal(false);
      expect(await registry.hasRole(anchorerRole, anchorer.address)).to.equal(true);
      expect(await registry.hasRole(anchorerRole, admin.address)).to.equal(false);
    });

    it("reverts for the zero admin address", async () => {
      const [, anchorer] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ProvenanceRegistry");
      await expect(factory.deploy(ethers.ZeroAddress, ADMIN_DELAY, anchorer.address))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts for the zero anchorer address", async () => {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ProvenanceRegistry");
      await expect(
        factory.deploy(admin.address, ADMIN_DELAY, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(factory, "ProvenanceRegistryZeroAddress");
    });

    it("defines the role identifiers and the EIP-712 type hash", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.ANCHORER_ROLE()).to.equal(ethers.id("ANCHORER_ROLE"));
      expect(await registry.CERTIFIER_ROLE()).to.equal(ethers.id("CERTIFIER_ROLE"));
      expect(await registry.CERTIFICATION_STATUS_TYPEHASH()).to.equal(
        ethers.id(
          "CertificationStatusChange(bytes32 certHash,uint8 status,string reason,address certifier,uint256 nonce,uint256 deadline)",
        ),
      );
      expect(await registry.CERTIFICATION_STATUS_TYPEHASH()).to.equal(
        ethers.id(ethers.TypedDataEncoder.from(STATUS_CHANGE_TYPES).encodeType("CertificationStatusChange")),
      );
    });
  });

  describe("domainSeparator", () => {
    it("returns the separator of name ProvenanceRegistry, version 1, this chain and this registry", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.domainSeparator()).to.equal(
        ethers.TypedDataEncoder.hashDomain(await domainOf(registry)),
      );
    });
  });

  describe("eip712Domain", () => {
    it("describes the same domain", async () => {
      const { registry } = await loadFixture(deployFixture);
      const domain = await domainOf(registry);
      const [fields, name, version, chainId, verifyingContract, salt, extensions] =
        await registry.eip712Domain();
      expect(fields).to.equal("0x0f");
      expect([name, version, chainId, verifyingContract]).to.deep.equal([
        domain.name,
        domain.version,
        domain.chainId,
        domain.verifyingContract,
      ]);
      expect(salt).to.equal(ethers.ZeroHash);
      expect(extensions).to.deep.equal([]);
    });
  });

  describe("supportsInterface", () => {
    it("supports IERC165, IAccessControl, IAccessControlDefaultAdminRules and IProvenanceRegistry", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.supportsInterface(interfaceId(IERC165__factory.createInterface()))).to.equal(
        true,
      );
      expect(
        await registry.supportsInterface(interfaceId(IAccessControl__factory.createInterface())),
      ).to.equal(true);
      expect(
        await registry.supportsInterface(interfaceId(IProvenanceRegistry__factory.createInterface())),
      ).to.equal(true);
      expect(
        await registry.supportsInterface(
          // its own functions only: the inherited IAccessControl ones cancel out
          ethers.toBeHex(
            Number(interfaceId(IAccessControlDefaultAdminRules__factory.createInterface())) ^
              Number(interfaceId(IAccessControl__factory.createInterface())),
            4,
          ),
        ),
      ).to.equal(true);
    });

    it("does not support other interfaces", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
      expect(await registry.supportsInterface("0x1626ba7e")).to.equal(false);
    });
  });

  describe("anchorRoot", () => {
    const root = ethers.id("root 1");

    it("stores the time, block number and leaf count and emits RootAnchored", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      const tx = await registry.connect(anchorer).anchorRoot(root, 42);
      const receipt = await tx.wait();
      const anchoredAt = await time.latest();
      await expect(tx).to.emit(registry, "RootAnchored").withArgs(root, 42, anchoredAt, anchorer.address);
      expect(await registry.anchoredAt(root)).to.equal(anchoredAt);
      expect(fieldsOf(await registry.anchorOf(root))).to.deep.equal({
        timestamp: BigInt(anchoredAt),
        blockNumber: BigInt(receipt!.blockNumber),
        leafCount: 42n,
        window: 0n,
      });
    });

    it("accepts the largest leaf count", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(root, 2n ** 32n - 1n);
      expect((await registry.anchorOf(root)).leafCount).to.equal(2n ** 32n - 1n);
    });

    it("keeps earlier anchors when anchoring another root", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(root, 1);
      const firstAt = await time.latest();
      await time.increase(HOUR);
      await registry.connect(anchorer).anchorRoot(ethers.id("root 2"), 2);
      expect(await registry.anchoredAt(root)).to.equal(firstAt);
      expect(await registry.anchoredAt(ethers.id("root 2"))).to.equal(await time.latest());
    });

    it("reverts for the zero root", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(registry.connect(anchorer).anchorRoot(ethers.ZeroHash, 1)).to.be.revertedWithCustomError(
        registry,
        "ProvenanceRegistryZeroRoot",
      );
    });

    it("reverts for a zero leaf count", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(registry.connect(anchorer).anchorRoot(root, 0)).to.be.revertedWithCustomError(
        registry,
        "ProvenanceRegistryZeroLeafCount",
      );
    });

    it("reverts for a root anchored before, naming when it was anchored", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(root, 1);
      const firstAt = await time.latest();
      await expect(registry.connect(anchorer).anchorRoot(root, 2))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryRootAlreadyAnchored")
        .withArgs(root, firstAt);
    });

    it("reverts for callers without the anchorer role, the admin included", async () => {
      const { registry, admin, stranger } = await loadFixture(deployFixture);
      const anchorerRole = await registry.ANCHORER_ROLE();
      for (const caller of [stranger, admin]) {
        await expect(registry.connect(caller).anchorRoot(root, 1))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, anchorerRole);
      }
    });
  });

  describe("anchoredAt", () => {
    it("returns 0 for a root never anchored", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(await registry.anchoredAt(ethers.id("never anchored"))).to.equal(0);
    });
  });

  describe("anchorOf", () => {
    it("returns an all-zero record for a root never anchored", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(fieldsOf(await registry.anchorOf(ethers.id("never anchored")))).to.deep.equal({
        timestamp: 0n,
        blockNumber: 0n,
        leafCount: 0n,
        window: 0n,
      });
    });
  });

  describe("verifyLeaf", () => {
    const eventHashes = Array.from({ length: 7 }, (_, index) => ethers.id(`event ${index}`));
    const tree = StandardMerkleTree.of(
      eventHashes.map((hash) => [hash]),
      ["bytes32"],
    );

    it("returns true for every leaf of an anchored tree with its proof", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(tree.root, eventHashes.length);
      for (const [index, value] of tree.entries()) {
        expect(await registry.verifyLeaf(tree.root, tree.getProof(index), tree.leafHash(value))).to.equal(
          true,
        );
      }
    });

    it("returns true for the only leaf of an anchored one-leaf tree with an empty proof", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      const single = StandardMerkleTree.of([[eventHashes[0]]], ["bytes32"]);
      await registry.connect(anchorer).anchorRoot(single.root, 1);
      expect(await registry.verifyLeaf(single.root, [], single.leafHash([eventHashes[0]]))).to.equal(true);
    });

    it("returns false for a leaf that is not in the tree", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(tree.root, eventHashes.length);
      const notRecorded = tree.leafHash([ethers.id("not recorded")]);
      expect(await registry.verifyLeaf(tree.root, tree.getProof(0), notRecorded)).to.equal(false);
    });

    it("returns false for a leaf with the proof of another leaf", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await registry.connect(anchorer).anchorRoot(tree.root, eventHashes.length);
      expect(
        await registry.verifyLeaf(tree.root, tree.getProof(1), tree.leafHash([eventHashes[0]])),
      ).to.equal(false);
    });

    it("returns false for a valid proof against a root never anchored", async () => {
      const { registry } = await loadFixture(deployFixture);
      expect(
        await registry.verifyLeaf(tree.root, tree.getProof(0), tree.leafHash([eventHashes[0]])),
      ).to.equal(false);
    });
  });

  describe("registerCertifier", () => {
    it("stores the certifier, grants the certifier role and emits CertifierRegistered", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      const tx = await registry.registerCertifier(stranger.address, "中国绿色食品发展中心", METADATA);
      const registeredAt = await time.latest();
      await expect(tx)
        .to.emit(registry, "CertifierRegistered")
        .withArgs(stranger.address, "中国绿色食品发展中心", METADATA);
      expect(fieldsOf(await registry.certifierOf(stranger.address))).to.deep.equal({
        name: "中国绿色食品发展中心",
        metadataHash: METADATA,
        registeredAt: BigInt(registeredAt),
        active: true,
      });
      expect(await registry.isCertifier(stranger.address)).to.equal(true);
      expect(await registry.hasRole(await registry.CERTIFIER_ROLE(), stranger.address)).to.equal(true);
    });

    it("registers a deregistered certifier again with its new name, metadata and time", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.deregisterCertifier(certifier.address);
      await time.increase(HOUR);
      await expect(registry.registerCertifier(certifier.address, "Renamed body", ethers.ZeroHash))
        .to.emit(registry, "CertifierRegistered")
        .withArgs(certifier.address, "Renamed body", ethers.ZeroHash);
      expect(fieldsOf(await registry.certifierOf(certifier.address))).to.deep.equal({
        name: "Renamed body",
        metadataHash: ethers.ZeroHash,
        registeredAt: BigInt(await time.latest()),
        active: true,
      });
      expect(await registry.hasRole(await registry.CERTIFIER_ROLE(), certifier.address)).to.equal(true);
    });

    it("reverts for the zero address", async () => {
      const { registry } = await loadFixture(deployFixture);
      await expect(
        registry.registerCertifier(ethers.ZeroAddress, "Nobody", METADATA),
      ).to.be.revertedWithCustomError(registry, "ProvenanceRegistryZeroAddress");
    });

    it("reverts for a certifier that is already active", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.registerCertifier(certifier.address, "Again", METADATA))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierAlreadyRegistered")
        .withArgs(certifier.address);
    });

    it("reverts for callers without the admin role", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      const adminRole = await registry.DEFAULT_ADMIN_ROLE();
      for (const caller of [stranger, certifier]) {
        await expect(registry.connect(caller).registerCertifier(stranger.address, "Self-appointed", METADATA))
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, adminRole);
      }
    });
  });

  describe("deregisterCertifier", () => {
    it("deactivates the certifier, revokes its role, keeps its record and emits CertifierDeregistered", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const before = await registry.certifierOf(certifier.address);
      await expect(registry.deregisterCertifier(certifier.address))
        .to.emit(registry, "CertifierDeregistered")
        .withArgs(certifier.address);
      expect(await registry.isCertifier(certifier.address)).to.equal(false);
      expect(fieldsOf(await registry.certifierOf(certifier.address))).to.deep.equal({
        ...fieldsOf(before),
        active: false,
      });
      expect(await registry.hasRole(await registry.CERTIFIER_ROLE(), certifier.address)).to.equal(false);
    });

    it("reverts for an account never registered", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.deregisterCertifier(stranger.address))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
    });

    it("reverts for a certifier already deregistered", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.deregisterCertifier(certifier.address);
      await expect(registry.deregisterCertifier(certifier.address))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(certifier.address);
    });

    it("reverts for callers without the admin role", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).deregisterCertifier(certifier.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("isCertifier", () => {
    it("returns false for an account never registered", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      expect(await registry.isCertifier(stranger.address)).to.equal(false);
    });

    it("returns false for an account given the certifier role with grantRole but not registered", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await registry.grantRole(await registry.CERTIFIER_ROLE(), stranger.address);
      expect(await registry.isCertifier(stranger.address)).to.equal(false);
    });
  });

  describe("certifierOf", () => {
    it("returns an empty record for an account never registered", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      expect(fieldsOf(await registry.certifierOf(stranger.address))).to.deep.equal({
        name: "",
        metadataHash: ethers.ZeroHash,
        registeredAt: 0n,
        active: false,
      });
    });
  });

  describe("issueCertification", () => {
    it("records the caller as issuer with the block time and emits CertificationIssued", async () => {
      const { registry, otherCertifier } = await loadFixture(deployFixture);
      const certHash = ethers.id("certificate ZJ-ORG-2026-0002");
      const tx = await registry.connect(otherCertifier).issueCertification(certHash);
      const issuedAt = BigInt(await time.latest());
      await expect(tx)
        .to.emit(registry, "CertificationIssued")
        .withArgs(certHash, otherCertifier.address, issuedAt);
      expect(await recordOf(registry, otherCertifier.address, certHash)).to.deep.equal({
        issuer: otherCertifier.address,
        issuedAt,
        status: BigInt(Status.None),
        updatedAt: issuedAt,
      });
    });

    it("keeps issuances of the same hash by two certifiers apart", async () => {
      const { registry, certifier, otherCertifier, issuedAt } = await loadFixture(deployFixture);
      await registry.connect(otherCertifier).issueCertification(CERT);
      await registry.connect(otherCertifier).revokeCertification(CERT, "its own issuance");
      expect((await recordOf(registry, otherCertifier.address)).status).to.equal(BigInt(Status.Revoked));
      expect(await recordOf(registry, certifier.address)).to.deep.equal({
        issuer: certifier.address,
        issuedAt,
        status: BigInt(Status.None),
        updatedAt: issuedAt,
      });
    });

    it("reverts for a certification the caller already issued", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.connect(certifier).issueCertification(CERT))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationAlreadyIssued")
        .withArgs(CERT, certifier.address);
    });

    it("reverts for the zero certification hash", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(
        registry.connect(certifier).issueCertification(ethers.ZeroHash),
      ).to.be.revertedWithCustomError(registry, "ProvenanceRegistryZeroCertHash");
    });

    it("reverts for callers that are not registered certifiers: the admin, the anchorer, a role holder, a deregistered certifier", async () => {
      const { registry, admin, anchorer, stranger, otherCertifier } = await loadFixture(deployFixture);
      await registry.grantRole(await registry.CERTIFIER_ROLE(), stranger.address);
      await registry.deregisterCertifier(otherCertifier.address);
      for (const caller of [admin, anchorer, stranger, otherCertifier]) {
        await expect(registry.connect(caller).issueCertification(CERT))
          .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
          .withArgs(caller.address);
      }
    });
  });

  describe("issueCertificationBySig", () => {
    it("issues with the certifier's own EIP-712 certification signature, relayed by anyone", async () => {
      const { registry, otherCertifier, relayer } = await loadFixture(deployFixture);
      const { certHash, signature } = await signCertification(
        registry,
        otherCertifier,
        otherCertifier.address,
      );
      const tx = await registry
        .connect(relayer)
        .issueCertificationBySig(certHash, otherCertifier.address, signature);
      const issuedAt = BigInt(await time.latest());
      await expect(tx)
        .to.emit(registry, "CertificationIssued")
        .withArgs(certHash, otherCertifier.address, issuedAt);
      expect(await recordOf(registry, otherCertifier.address, certHash)).to.deep.equal({
        issuer: otherCertifier.address,
        issuedAt,
        status: BigInt(Status.None),
        updatedAt: issuedAt,
      });
      expect(await registry.nonces(otherCertifier.address)).to.equal(0);
    });

    it("accepts the ERC-1271 signature of a registered contract certifier", async () => {
      const { registry, wallet, walletKey, relayer } = await loadFixture(deployFixture);
      const walletAddress = await wallet.getAddress();
      await registry.registerCertifier(walletAddress, "Multisig certification body", METADATA);
      const { certHash, signature } = await signCertification(registry, walletKey, walletAddress);
      // The block time is fixed beforehand: reading time.latest() while the transaction is mined
      // raced it (one second off under load).
      const issuedAt = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(issuedAt);
      await expect(registry.connect(relayer).issueCertificationBySig(certHash, walletAddress, signature))
        .to.emit(registry, "CertificationIssued")
        .withArgs(certHash, walletAddress, issuedAt);
      expect((await recordOf(registry, walletAddress, certHash)).issuer).to.equal(walletAddress);
    });

    it("reverts for a signature of another key than the named certifier's", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      const { certHash, signature } = await signCertification(registry, stranger, certifier.address);
      await expect(registry.issueCertificationBySig(certHash, certifier.address, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("reverts for a valid signature of a key that was never registered (a forged certifier)", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      const { certHash, signature } = await signCertification(registry, stranger, stranger.address);
      await expect(registry.issueCertificationBySig(certHash, stranger.address, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
      expect((await recordOf(registry, stranger.address, certHash)).issuedAt).to.equal(0n);
    });

    it("reverts for a certification the certifier already issued", async () => {
      const { registry, otherCertifier } = await loadFixture(deployFixture);
      const { certHash, signature } = await signCertification(
        registry,
        otherCertifier,
        otherCertifier.address,
      );
      await registry.issueCertificationBySig(certHash, otherCertifier.address, signature);
      await expect(registry.issueCertificationBySig(certHash, otherCertifier.address, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationAlreadyIssued")
        .withArgs(certHash, otherCertifier.address);
    });
  });

  describe("certificationOf", () => {
    it("returns an all-zero record for a certification the given account never issued", async () => {
      const { registry, otherCertifier } = await loadFixture(deployFixture);
      for (const [certHash, issuer] of [
        [ethers.id("never issued"), otherCertifier.address],
        [CERT, otherCertifier.address],
      ]) {
        expect(await recordOf(registry, issuer, certHash)).to.deep.equal({
          issuer: ethers.ZeroAddress,
          issuedAt: 0n,
          status: BigInt(Status.None),
          updatedAt: 0n,
        });
      }
    });
  });

  describe("revokeCertification", () => {
    it("revokes the caller's issuance and emits CertificationStatusChanged", async () => {
      const { registry, certifier, issuedAt } = await loadFixture(deployFixture);
      const tx = await registry.connect(certifier).revokeCertification(CERT, "fraudulent test report");
      const updatedAt = BigInt(await time.latest());
      await expect(tx)
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, "fraudulent test report");
      expect(await recordOf(registry, certifier.address)).to.deep.equal({
        issuer: certifier.address,
        issuedAt,
        status: BigInt(Status.Revoked),
        updatedAt,
      });
    });

    it("revokes a suspended certification", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      await expect(registry.connect(certifier).revokeCertification(CERT, "audit failed"))
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, "audit failed");
      expect((await recordOf(registry, certifier.address)).status).to.equal(BigInt(Status.Revoked));
    });

    it("makes revocation final for the issuer", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const asIssuer = registry.connect(certifier);
      await asIssuer.revokeCertification(CERT, "withdrawn");
      for (const change of [
        () => asIssuer.revokeCertification(CERT, "again"),
        () => asIssuer.suspendCertification(CERT, "again"),
        () => asIssuer.reinstateCertification(CERT, "again"),
      ]) {
        await expect(change())
          .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationRevoked")
          .withArgs(CERT);
      }
    });

    it("reverts for another registered certifier, whatever the status, and leaves the issuer in control", async () => {
      const { registry, certifier, otherCertifier, admin } = await loadFixture(deployFixture);
      await expect(registry.connect(otherCertifier).revokeCertification(CERT, "not mine"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(CERT, otherCertifier.address);
      await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      await expect(registry.connect(otherCertifier).revokeCertification(CERT, "still not mine"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(CERT, otherCertifier.address);
      await expect(registry.connect(admin).revokeCertification(CERT, "the admin neither"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(admin.address);
      await expect(registry.connect(certifier).reinstateCertification(CERT, "audit passed"))
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.None, "audit passed");
    });

    it("reverts for a certification the caller never issued", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const certHash = ethers.id("never issued");
      await expect(registry.connect(certifier).revokeCertification(certHash, "no such certificate"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(certHash, certifier.address);
    });

    it("reverts for callers that are not registered certifiers, even with the certifier role", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).revokeCertification(CERT, "not a certifier"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
      await registry.grantRole(await registry.CERTIFIER_ROLE(), stranger.address);
      await expect(registry.connect(stranger).revokeCertification(CERT, "role only"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
    });

    it("reverts for a deregistered issuer, which can act again once registered again", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.deregisterCertifier(certifier.address);
      await expect(registry.connect(certifier).revokeCertification(CERT, "after leaving"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(certifier.address);
      await registry.registerCertifier(certifier.address, "Back", METADATA);
      await expect(registry.connect(certifier).revokeCertification(CERT, "back again"))
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, "back again");
    });
  });

  describe("suspendCertification", () => {
    it("suspends the caller's issuance and emits CertificationStatusChanged", async () => {
      const { registry, certifier, issuedAt } = await loadFixture(deployFixture);
      const tx = await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      const updatedAt = BigInt(await time.latest());
      await expect(tx)
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Suspended, "audit pending");
      expect(await recordOf(registry, certifier.address)).to.deep.equal({
        issuer: certifier.address,
        issuedAt,
        status: BigInt(Status.Suspended),
        updatedAt,
      });
    });

    it("reverts for a certification already suspended", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "first");
      await expect(registry.connect(certifier).suspendCertification(CERT, "second"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationAlreadySuspended")
        .withArgs(CERT);
    });

    it("reverts for another certifier, even after a reinstatement", async () => {
      const { registry, certifier, otherCertifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      await registry.connect(certifier).reinstateCertification(CERT, "audit passed");
      await expect(registry.connect(otherCertifier).suspendCertification(CERT, "not mine"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(CERT, otherCertifier.address);
    });

    it("reverts for callers that are not active certifiers", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).suspendCertification(CERT, "not a certifier"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
    });
  });

  describe("reinstateCertification", () => {
    it("lifts a suspension and emits CertificationStatusChanged with status None", async () => {
      const { registry, certifier, issuedAt } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      const tx = await registry.connect(certifier).reinstateCertification(CERT, "audit passed");
      const updatedAt = BigInt(await time.latest());
      await expect(tx)
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.None, "audit passed");
      expect(await recordOf(registry, certifier.address)).to.deep.equal({
        issuer: certifier.address,
        issuedAt,
        status: BigInt(Status.None),
        updatedAt,
      });
    });

    it("reverts for a certification never suspended", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await expect(registry.connect(certifier).reinstateCertification(CERT, "nothing to lift"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotSuspended")
        .withArgs(CERT);
    });

    it("reverts for a certification already reinstated", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      await registry.connect(certifier).reinstateCertification(CERT, "audit passed");
      await expect(registry.connect(certifier).reinstateCertification(CERT, "twice"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotSuspended")
        .withArgs(CERT);
    });

    it("reverts for another certifier", async () => {
      const { registry, certifier, otherCertifier } = await loadFixture(deployFixture);
      await registry.connect(certifier).suspendCertification(CERT, "audit pending");
      await expect(registry.connect(otherCertifier).reinstateCertification(CERT, "not mine"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(CERT, otherCertifier.address);
    });

    it("reverts for callers that are not active certifiers", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      await expect(registry.connect(stranger).reinstateCertification(CERT, "not a certifier"))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertifierNotRegistered")
        .withArgs(stranger.address);
    });
  });

  describe("default admin transfer", () => {
    it("moves the admin role to a new account only after the delay, and never to the anchorer by grantRole", async () => {
      const { registry, admin, anchorer, stranger } = await loadFixture(deployFixture);
      const adminRole = await registry.DEFAULT_ADMIN_ROLE();
      await expect(registry.grantRole(adminRole, anchorer.address)).to.be.revertedWithCustomError(
        registry,
        "AccessControlEnforcedDefaultAdminRules",
      );
      await registry.beginDefaultAdminTransfer(stranger.address);
      const [, schedule] = await registry.pendingDefaultAdmin();
      await expect(registry.connect(stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await time.increaseTo(schedule + 1n);
      await registry.connect(stranger).acceptDefaultAdminTransfer();
      expect(await registry.defaultAdmin()).to.equal(stranger.address);
      expect(await registry.hasRole(adminRole, admin.address)).to.equal(false);
      await expect(registry.connect(admin).registerCertifier(admin.address, "Old admin", METADATA))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, adminRole);
    });

    it("lets only the admin begin a transfer, so the anchorer cannot take the admin role", async () => {
      const { registry, anchorer } = await loadFixture(deployFixture);
      await expect(registry.connect(anchorer).beginDefaultAdminTransfer(anchorer.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(anchorer.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });

  describe("nonces", () => {
    it("starts at 0 for every account", async () => {
      const { registry, certifier, stranger } = await loadFixture(deployFixture);
      expect(await registry.nonces(certifier.address)).to.equal(0);
      expect(await registry.nonces(stranger.address)).to.equal(0);
    });
  });

  describe("revokeCertificationBySig", () => {
    it("revokes with the certifier's signature relayed by a third party and consumes its nonce", async () => {
      const { registry, certifier, relayer, issuedAt } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const reason = "检测不合格 (failed residue test)";
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason,
        certifier: certifier.address,
        deadline,
      });
      const tx = await registry
        .connect(relayer)
        .revokeCertificationBySig(CERT, reason, certifier.address, deadline, signature);
      const updatedAt = await time.latest();
      await expect(tx)
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, reason);
      expect(await recordOf(registry, certifier.address)).to.deep.equal({
        issuer: certifier.address,
        issuedAt,
        status: BigInt(Status.Revoked),
        updatedAt: BigInt(updatedAt),
      });
      expect(await registry.nonces(certifier.address)).to.equal(1);
      expect(await registry.nonces(relayer.address)).to.equal(0);
    });

    it("accepts a signature relayed in the block whose time equals the deadline", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "last second",
        certifier: certifier.address,
        deadline,
      });
      await time.setNextBlockTimestamp(deadline);
      await expect(
        registry.revokeCertificationBySig(CERT, "last second", certifier.address, deadline, signature),
      )
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, certifier.address, Status.Revoked, "last second");
    });

    it("accepts the ERC-1271 signature of a contract certifier", async () => {
      const { registry, wallet, walletKey, relayer } = await loadFixture(deployFixture);
      const walletAddress = await wallet.getAddress();
      await registry.registerCertifier(walletAddress, "Multisig certification body", METADATA);
      await registry.issueCertificationBySig(CERT, walletAddress, walletKey.signingKey.sign(CERT).serialized);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, walletKey, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "signed by a contract",
        certifier: walletAddress,
        deadline,
      });
      await expect(
        registry
          .connect(relayer)
          .revokeCertificationBySig(CERT, "signed by a contract", walletAddress, deadline, signature),
      )
        .to.emit(registry, "CertificationStatusChanged")
        .withArgs(CERT, walletAddress, Status.Revoked, "signed by a contract");
      expect(await registry.nonces(walletAddress)).to.equal(1);
    });

    it("reverts for a contract certifier whose ERC-1271 check rejects the signature", async () => {
      const { registry, wallet, stranger } = await loadFixture(deployFixture);
      const walletAddress = await wallet.getAddress();
      await registry.registerCertifier(walletAddress, "Multisig certification body", METADATA);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, stranger, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "wrong key",
        certifier: walletAddress,
        deadline,
      });
      await expect(registry.revokeCertificationBySig(CERT, "wrong key", walletAddress, deadline, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(walletAddress);
    });

    it("reverts for a signature relayed after its deadline without consuming the nonce", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(60);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "too late",
        certifier: certifier.address,
        deadline,
      });
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(
        registry.revokeCertificationBySig(CERT, "too late", certifier.address, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistrySignatureExpired")
        .withArgs(deadline);
      expect(await registry.nonces(certifier.address)).to.equal(0);
    });

    it("reverts for a signature by another account than the named certifier", async () => {
      const { registry, certifier, otherCertifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, otherCertifier, {
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

    it("reverts for a signature whose reason or certification was altered", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "signed reason",
        certifier: certifier.address,
        deadline,
      });
      for (const [certHash, reason] of [
        [CERT, "altered reason"],
        [ethers.id("another certificate"), "signed reason"],
      ]) {
        await expect(
          registry.revokeCertificationBySig(certHash, reason, certifier.address, deadline, signature),
        )
          .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
          .withArgs(certifier.address);
      }
    });

    it("reverts for a signature of another status than Revoked", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Suspended,
        reason: "only a suspension",
        certifier: certifier.address,
        deadline,
      });
      await expect(
        registry.revokeCertificationBySig(CERT, "only a suspension", certifier.address, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("reverts for a replayed signature whose nonce was used", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "once",
        certifier: certifier.address,
        deadline,
      });
      await registry.revokeCertificationBySig(CERT, "once", certifier.address, deadline, signature);
      await expect(registry.revokeCertificationBySig(CERT, "once", certifier.address, deadline, signature))
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("reverts for a signature with a nonce other than the next one", async () => {
      const { registry, certifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "future nonce",
        certifier: certifier.address,
        deadline,
        nonce: 1n,
      });
      await expect(
        registry.revokeCertificationBySig(CERT, "future nonce", certifier.address, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("reverts for a signature of another registry's domain", async () => {
      const { registry, certifier, admin } = await loadFixture(deployFixture);
      const otherRegistry = await ethers.deployContract("ProvenanceRegistry", [
        admin.address,
        ADMIN_DELAY,
        admin.address,
      ]);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(otherRegistry, certifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "other registry",
        certifier: certifier.address,
        deadline,
        nonce: 0n,
      });
      await expect(
        registry.revokeCertificationBySig(CERT, "other registry", certifier.address, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryInvalidSignature")
        .withArgs(certifier.address);
    });

    it("reverts for a valid signature of an account that is not an active certifier", async () => {
      const { registry, stranger } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
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
      expect(await registry.nonces(stranger.address)).to.equal(0);
    });

    it("reverts for a signed revocation by a certifier that did not issue the certification", async () => {
      const { registry, otherCertifier } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, otherCertifier, {
        certHash: CERT,
        status: Status.Revoked,
        reason: "not mine",
        certifier: otherCertifier.address,
        deadline,
      });
      await expect(
        registry.revokeCertificationBySig(CERT, "not mine", otherCertifier.address, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(CERT, otherCertifier.address);
    });
  });

  describe("setCertificationStatusBySig", () => {
    async function relaySigned(
      registry: ProvenanceRegistry,
      signer: HardhatEthersSigner,
      relayer: HardhatEthersSigner,
      change: StatusChange,
    ) {
      const signature = await signStatusChange(registry, signer, change);
      return registry
        .connect(relayer)
        .setCertificationStatusBySig(
          change.certHash,
          change.status,
          change.reason,
          change.certifier,
          change.deadline,
          signature,
        );
    }

    it("suspends, reinstates and revokes with signatures relayed by a third party, one nonce each", async () => {
      const { registry, certifier, relayer, issuedAt } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const steps: [StatusValue, string][] = [
        [Status.Suspended, "audit pending"],
        [Status.None, "audit passed"],
        [Status.Revoked, "certificate withdrawn"],
      ];
      for (const [index, [status, reason]] of steps.entries()) {
        const change = { certHash: CERT, status, reason, certifier: certifier.address, deadline };
        const tx = await relaySigned(registry, certifier, relayer, change);
        const updatedAt = await time.latest();
        await expect(tx)
          .to.emit(registry, "CertificationStatusChanged")
          .withArgs(CERT, certifier.address, status, reason);
        expect(await recordOf(registry, certifier.address)).to.deep.equal({
          issuer: certifier.address,
          issuedAt,
          status: BigInt(status),
          updatedAt: BigInt(updatedAt),
        });
        expect(await registry.nonces(certifier.address)).to.equal(index + 1);
      }
    });

    it("applies the same rules as the direct functions", async () => {
      const { registry, certifier, relayer } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const change = { certifier: certifier.address, deadline, reason: "r" };
      await expect(
        relaySigned(registry, certifier, relayer, { ...change, certHash: CERT, status: Status.None }),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotSuspended")
        .withArgs(CERT);
      await expect(
        relaySigned(registry, certifier, relayer, {
          ...change,
          certHash: ethers.ZeroHash,
          status: Status.Suspended,
        }),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationNotIssued")
        .withArgs(ethers.ZeroHash, certifier.address);
      await relaySigned(registry, certifier, relayer, {
        ...change,
        certHash: CERT,
        status: Status.Suspended,
      });
      await expect(
        relaySigned(registry, certifier, relayer, { ...change, certHash: CERT, status: Status.Suspended }),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationAlreadySuspended")
        .withArgs(CERT);
      await relaySigned(registry, certifier, relayer, { ...change, certHash: CERT, status: Status.Revoked });
      await expect(
        relaySigned(registry, certifier, relayer, { ...change, certHash: CERT, status: Status.None }),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistryCertificationRevoked")
        .withArgs(CERT);
    });

    it("reverts for a signature relayed after its deadline", async () => {
      const { registry, certifier, relayer } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(60);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Suspended,
        reason: "too late",
        certifier: certifier.address,
        deadline,
      });
      await time.increaseTo(deadline + 1n);
      await expect(
        registry
          .connect(relayer)
          .setCertificationStatusBySig(
            CERT,
            Status.Suspended,
            "too late",
            certifier.address,
            deadline,
            signature,
          ),
      )
        .to.be.revertedWithCustomError(registry, "ProvenanceRegistrySignatureExpired")
        .withArgs(deadline);
    });

    it("reverts for a signature whose status was altered", async () => {
      const { registry, certifier, relayer } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: Status.Suspended,
        reason: "audit pending",
        certifier: certifier.address,
        deadline,
      });
      await expect(
        registry
          .connect(relayer)
          .setCertificationStatusBySig(
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

    it("reverts without data for a status outside the enum", async () => {
      const { registry, certifier, relayer } = await loadFixture(deployFixture);
      const deadline = await deadlineIn(HOUR);
      const signature = await signStatusChange(registry, certifier, {
        certHash: CERT,
        status: 3 as StatusValue,
        reason: "unknown status",
        certifier: certifier.address,
        deadline,
      });
      await expect(
        registry
          .connect(relayer)
          .setCertificationStatusBySig(CERT, 3, "unknown status", certifier.address, deadline, signature),
      ).to.be.revertedWithoutReason();
    });
  });
});
