import { expect } from "chai";
import { bundleDigest } from "../../server/modules/verification/examination-cache";
import type { ProofBundle } from "../../server/modules/verification/domain/proof-bundle";
import { buildMerkleTree } from "../../server/platform/crypto/merkle";
import type { Hex } from "../../server/platform/crypto/keccak";

/** A bundle with one event whose body holds `value` (only the fields the digest reads matter). */
function bundleWith(value: unknown, generatedAt = "2026-12-07T00:00:00.000Z"): ProofBundle {
  return {
    generatedAt,
    events: [
      {
        eventId: "e1",
        hash: "0x01",
        body: { batchId: "b1", seq: 2, data: { sampledAt: value } },
        anchor: null,
      },
    ],
  } as unknown as ProofBundle;
}

describe("verification: bundleDigest (examination-cache.ts)", () => {
  it("is the same for the same bundle generated at another time", () => {
    const iso = "2026-04-13T00:00:00.000Z";
    expect(bundleDigest(bundleWith(iso))).to.equal(bundleDigest(bundleWith(iso, "2030-01-01T00:00:00.000Z")));
  });

  it("differs when any stored value changes", () => {
    expect(bundleDigest(bundleWith("a"))).to.not.equal(bundleDigest(bundleWith("b")));
  });

  describe("with proofs a tree issued (named by root and position instead of their siblings)", () => {
    const leaves = Array.from({ length: 6 }, (_, index) => `0x${String(index + 1).padStart(64, "0")}` as Hex);
    const anchored = (proof: readonly string[], root: string) => {
      const bundle = bundleWith("a");
      bundle.events[0].anchor = { root, leafIndex: 2, proof };
      return bundle;
    };

    it("is the same for the same path from another build of the tree", () => {
      const [first, second] = [buildMerkleTree(leaves), buildMerkleTree(leaves)];
      expect(bundleDigest(anchored(first.proof(2), first.root))).to.equal(
        bundleDigest(anchored(second.proof(2), second.root)),
      );
    });

    it("differs for another leaf's path, another tree's path, or the same siblings not issued", () => {
      const tree = buildMerkleTree(leaves);
      const other = buildMerkleTree([...leaves].reverse().map((leaf) => leaf.replace("0x0", "0x1") as Hex));
      const digest = bundleDigest(anchored(tree.proof(2), tree.root));
      expect(bundleDigest(anchored(tree.proof(3), tree.root))).to.not.equal(digest);
      expect(bundleDigest(anchored(other.proof(2), tree.root))).to.not.equal(digest);
      expect(bundleDigest(anchored([...tree.proof(2)], tree.root))).to.not.equal(digest);
      const tampered = [...tree.proof(2)];
      tampered[0] = tampered[1];
      expect(bundleDigest(anchored(tampered, tree.root))).to.not.equal(
        bundleDigest(anchored([...tree.proof(2)], tree.root)),
      );
    });
  });

  it("is null (never reused) when a value has no exact JSON form, e.g. a Date for its ISO string", () => {
    expect(bundleDigest(bundleWith(new Date("2026-04-13T00:00:00.000Z")))).to.equal(null);
    expect(bundleDigest(bundleWith(Number.NaN))).to.equal(null);
    expect(bundleDigest(bundleWith(undefined))).to.equal(null);
    expect(bundleDigest(bundleWith([{ at: new Date() }]))).to.equal(null);
    expect(bundleDigest(bundleWith([{ at: "now" }]))).to.be.a("string");
  });
});
