import { randomBytes } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { keccak256 } from "ethers";
import type { Hex } from "../../server/platform/crypto/keccak";
import {
  buildMerkleTree,
  issuedLeafOf,
  knownMerkleTrees,
  loadMerkleTree,
  verifyMerkleLeaf,
  verifyMerkleProof,
  type MerkleTreeDump,
} from "../../server/platform/crypto/merkle";
import { buildMerkleTreeOffThread } from "../../server/platform/crypto/merkle-off-thread";
import { KnownMerkleTrees } from "../../server/platform/crypto/merkle-known-trees";

const randomLeaves = (count: number): Hex[] =>
  Array.from({ length: count }, () => `0x${randomBytes(32).toString("hex")}` as Hex);

const openZeppelinTree = (leaves: readonly Hex[]) =>
  StandardMerkleTree.of(
    leaves.map((leaf) => [leaf]),
    ["bytes32"],
  );

/** Flips the lowest bit of a 32-byte hex value. */
const tamper = (hex: Hex): Hex => `0x${hex.slice(2, -1)}${(parseInt(hex.slice(-1), 16) ^ 1).toString(16)}`;

function expectSameAsOpenZeppelin(leaves: readonly Hex[]): void {
  const reference = openZeppelinTree(leaves);
  const tree = buildMerkleTree(leaves);
  expect(tree.root).to.equal(reference.root);
  expect(tree.leafCount).to.equal(leaves.length);
  for (let index = 0; index < leaves.length; index++) {
    expect(tree.proof(index), `proof of leaves[${index}]`).to.deep.equal(reference.getProof(index));
  }
  expect({ ...tree.toJSON(), format: "standard-v1" }).to.deep.equal(reference.dump());
}

describe("merkle", () => {
  describe("buildMerkleTree", () => {
    for (const size of [1, 2, 3, 7, 8, 100, 1000]) {
      it(`gives the root, every proof and the layout of StandardMerkleTree for ${size} random leaves`, function () {
        this.timeout(30_000);
        expectSameAsOpenZeppelin(randomLeaves(size));
      });
    }

    it("matches StandardMerkleTree when leaves repeat, giving each copy its own position", () => {
      const [a, b, c] = randomLeaves(3);
      const leaves = [a, b, a, c, b, a, a];
      expectSameAsOpenZeppelin(leaves);
      const tree = buildMerkleTree(leaves);
      const positions = tree.toJSON().values.map((entry) => entry.treeIndex);
      expect(new Set(positions).size).to.equal(leaves.length);
    });

    it("matches StandardMerkleTree when every leaf is the same", () => {
      expectSameAsOpenZeppelin(Array(5).fill(randomLeaves(1)[0]));
    });

    it("stores keccak256(keccak256(value)) as each leaf", () => {
      const leaves = randomLeaves(5);
      const tree = buildMerkleTree(leaves);
      leaves.forEach((leaf, index) => expect(tree.leafHash(index)).to.equal(keccak256(keccak256(leaf))));
    });

    it("has the double-hashed leaf as the root of a one-leaf tree, with an empty proof", () => {
      const [leaf] = randomLeaves(1);
      const tree = buildMerkleTree([leaf]);
      expect(tree.root).to.equal(keccak256(keccak256(leaf)));
      expect(tree.proof(0)).to.deep.equal([]);
    });

    it("reads uppercase hex and answers in lowercase", () => {
      const leaves = randomLeaves(4);
      const upper = leaves.map((leaf) => `0x${leaf.slice(2).toUpperCase()}` as Hex);
      expect(buildMerkleTree(upper).toJSON()).to.deep.equal(buildMerkleTree(leaves).toJSON());
    });

    it("refuses an empty list of leaves", () => {
      expect(() => buildMerkleTree([])).to.throw(TypeError, "a Merkle tree needs at least one leaf");
    });

    it("names a leaf that is not 32 bytes of 0x hex", () => {
      const [good] = randomLeaves(1);
      const bad = ["0x1234", `${good.slice(0, -2)}zz`, good.slice(2), `0X${good.slice(2)}`, 7 as unknown];
      for (const leaf of bad) {
        expect(() => buildMerkleTree([good, leaf as Hex]), String(leaf)).to.throw(
          TypeError,
          "leaves[1] must be 32 bytes as 0x-prefixed hex",
        );
      }
    });

    it("refuses a value index outside the leaves", () => {
      const tree = buildMerkleTree(randomLeaves(3));
      for (const index of [-1, 3, 1.5]) {
        expect(() => tree.proof(index), String(index)).to.throw(RangeError, "outside 0..2");
        expect(() => tree.leafHash(index), String(index)).to.throw(RangeError);
      }
    });
  });

  for (const kept of [false, true])
    describe(`verifyMerkleProof${kept ? " with the tree kept (answered by lookups)" : ""}`, () => {
      const leaves = randomLeaves(37);
      const tree = buildMerkleTree(leaves);
      if (kept) before(() => knownMerkleTrees.keep(tree));

      it("accepts the proof of every leaf", () => {
        leaves.forEach(
          (leaf, index) =>
            expect(verifyMerkleProof(tree.root, leaf, tree.proof(index)), `${index}`).to.be.true,
        );
      });

      it("accepts the empty proof of a one-leaf tree", () => {
        const single = buildMerkleTree([leaves[0]]);
        if (kept) knownMerkleTrees.keep(single);
        expect(verifyMerkleProof(single.root, leaves[0], [])).to.equal(true);
      });

      it("rejects a proof with any sibling tampered", () => {
        const proof = tree.proof(5);
        proof.forEach((_, position) => {
          const tampered = proof.map((sibling, index) => (index === position ? tamper(sibling) : sibling));
          expect(verifyMerkleProof(tree.root, leaves[5], tampered), `sibling ${position}`).to.equal(false);
        });
      });

      it("rejects the wrong leaf, a wrong root, a shortened proof and another leaf's proof", () => {
        const proof = tree.proof(5);
        expect(verifyMerkleProof(tree.root, tamper(leaves[5]), proof)).to.equal(false);
        expect(verifyMerkleProof(tamper(tree.root), leaves[5], proof)).to.equal(false);
        expect(verifyMerkleProof(tree.root, leaves[5], proof.slice(0, -1))).to.equal(false);
        expect(verifyMerkleProof(tree.root, leaves[5], tree.proof(6))).to.equal(false);
      });

      it("rejects an internal node passed off as a leaf (the double hash prevents it)", () => {
        const dump = tree.toJSON();
        const internal = dump.tree[1];
        expect(verifyMerkleProof(tree.root, internal, [dump.tree[2]])).to.equal(false);
      });

      it("agrees with StandardMerkleTree.verify", () => {
        const proof = tree.proof(9);
        expect(StandardMerkleTree.verify(tree.root, ["bytes32"], [leaves[9]], [...proof])).to.equal(true);
        expect(StandardMerkleTree.verify(tree.root, ["bytes32"], [leaves[8]], [...proof])).to.equal(false);
      });

      it("throws for a malformed root, leaf or sibling", () => {
        const proof = tree.proof(0);
        expect(() => verifyMerkleProof("0x12", leaves[0], proof)).to.throw(
          TypeError,
          "root must be 32 bytes",
        );
        expect(() => verifyMerkleProof(tree.root, "0x12", proof)).to.throw(
          TypeError,
          "leaf must be 32 bytes",
        );
        expect(() => verifyMerkleProof(tree.root, leaves[0], [proof[0], "0x"])).to.throw(
          TypeError,
          "proof[1] must",
        );
      });
    });

  describe("issued proofs", () => {
    it("are frozen, so a proof checked again is still the path its tree issued", () => {
      const tree = buildMerkleTree(randomLeaves(9));
      const proof = tree.proof(4);
      expect(Object.isFrozen(proof)).to.equal(true);
      expect(() => ((proof as Hex[])[0] = tree.root)).to.throw(TypeError);
      expect(proof).to.deep.equal(
        openZeppelinTree(tree.toJSON().values.map(({ value }) => value[0])).getProof(4),
      );
    });

    it("verify against their own tree's root and leaf only, whether or not the tree is kept", () => {
      const tree = buildMerkleTree(randomLeaves(12)); // never kept: answered from the issued path
      const other = buildMerkleTree(randomLeaves(12));
      tree.toJSON().values.forEach((_, index) => {
        const proof = tree.proof(index);
        expect(verifyMerkleLeaf(tree.root, tree.leafHash(index), proof), `${index}`).to.equal(true);
        expect(verifyMerkleLeaf(tree.root, tree.leafHash((index + 1) % 12), proof)).to.equal(false);
        expect(verifyMerkleLeaf(other.root, tree.leafHash(index), proof)).to.equal(false);
        expect(verifyMerkleLeaf(tamper(tree.root), tree.leafHash(index), proof)).to.equal(false);
      });
    });

    it("give the leaf of exactly the value they were issued for (issuedLeafOf), hashed by the tree", () => {
      const leaves = randomLeaves(7);
      const tree = buildMerkleTree(leaves);
      leaves.forEach((leaf, index) => {
        const proof = tree.proof(index);
        expect(issuedLeafOf(proof, leaf), `${index}`).to.equal(keccak256(keccak256(leaf)));
        expect(issuedLeafOf(proof, leaves[(index + 1) % 7])).to.equal(undefined);
        expect(issuedLeafOf([...proof], leaf), "a copy was not issued").to.equal(undefined);
      });
    });

    it("give each value back as it was (MerkleTree.value)", () => {
      const leaves = randomLeaves(5);
      const tree = buildMerkleTree(leaves);
      leaves.forEach((leaf, index) => expect(tree.value(index)).to.equal(leaf));
      expect(() => tree.value(5)).to.throw(RangeError, "outside 0..4");
    });
  });

  describe("MerkleTree.hasPath", () => {
    it("holds exactly each leaf's own proof, duplicates included", () => {
      const leaves = randomLeaves(20);
      leaves.push(leaves[3], leaves[3]);
      const tree = buildMerkleTree(leaves);
      leaves.forEach((_, index) =>
        expect(tree.hasPath(tree.leafHash(index), tree.proof(index)), `${index}`).to.equal(true),
      );
      const proof = tree.proof(5);
      expect(tree.hasPath(tree.leafHash(5), tree.proof(6))).to.equal(false);
      expect(tree.hasPath(tree.leafHash(5), proof.slice(0, -1))).to.equal(false);
      expect(tree.hasPath(tree.leafHash(5), [...proof, proof[0]])).to.equal(false);
      expect(tree.hasPath(tree.leafHash(5), [tamper(proof[0]), ...proof.slice(1)])).to.equal(false);
      expect(tree.hasPath(tamper(tree.leafHash(5)), proof)).to.equal(false);
      expect(tree.hasPath(leaves[5], proof), "a value is not its leaf").to.equal(false);
      expect(tree.hasPath("0x12", proof)).to.equal(false);
    });

    it("holds the empty path of a one-leaf tree", () => {
      const tree = buildMerkleTree(randomLeaves(1));
      expect(tree.hasPath(tree.leafHash(0), [])).to.equal(true);
      expect(tree.hasPath(tree.leafHash(0), [tree.root])).to.equal(false);
    });
  });

  describe("KnownMerkleTrees", () => {
    it("shares one build among concurrent callers and keeps the tree under its root", async () => {
      const trees = new KnownMerkleTrees(100);
      const tree = buildMerkleTree(randomLeaves(10));
      let builds = 0;
      const build = async () => {
        builds++;
        return tree;
      };
      const [first, second] = await Promise.all([
        trees.treeOf(tree.root, build),
        trees.treeOf(tree.root, build),
      ]);
      expect(first).to.equal(tree);
      expect(second).to.equal(tree);
      expect(await trees.treeOf(tree.root, build)).to.equal(tree);
      expect(builds).to.equal(1);
      expect(trees.hasPath(tree.root, tree.leafHash(2), tree.proof(2))).to.equal(true);
    });

    it("does not keep a build whose root is not the one asked for", async () => {
      const trees = new KnownMerkleTrees(100);
      const other = buildMerkleTree(randomLeaves(3));
      const asked = `0x${"ab".repeat(32)}`;
      expect(await trees.treeOf(asked, async () => other)).to.equal(other);
      expect(trees.size.trees).to.equal(0);
      expect(trees.hasPath(asked, other.leafHash(0), other.proof(0))).to.equal(false);
    });

    it("lets the least recently used tree go once the leaves pass the capacity", () => {
      const trees = new KnownMerkleTrees(25);
      const [a, b, c] = [0, 1, 2].map(() => buildMerkleTree(randomLeaves(10)));
      trees.keep(a);
      trees.keep(b);
      expect(trees.hasPath(a.root, a.leafHash(0), a.proof(0))).to.equal(true); // a used last
      trees.keep(c);
      expect(trees.size).to.deep.equal({ trees: 2, leaves: 20 });
      expect(trees.hasPath(b.root, b.leafHash(0), b.proof(0))).to.equal(false);
      expect(trees.hasPath(a.root, a.leafHash(0), a.proof(0))).to.equal(true);
    });
  });

  describe("loadMerkleTree", () => {
    const leaves = randomLeaves(11);
    const tree = buildMerkleTree(leaves);
    const dump = (): MerkleTreeDump => structuredClone(tree.toJSON());

    it("restores the root and every proof from toJSON()", () => {
      const loaded = loadMerkleTree(JSON.parse(JSON.stringify(tree)));
      expect(loaded.root).to.equal(tree.root);
      leaves.forEach((_, index) => expect(loaded.proof(index)).to.deep.equal(tree.proof(index)));
    });

    it("loads an OpenZeppelin standard-v1 dump, and OpenZeppelin loads ours under its format tag", () => {
      const reference = openZeppelinTree(leaves);
      expect(loadMerkleTree(reference.dump()).toJSON()).to.deep.equal(tree.toJSON());
      const theirs = StandardMerkleTree.load<[Hex]>({ ...tree.toJSON(), format: "standard-v1" });
      expect(theirs.root).to.equal(tree.root);
    });

    it("refuses an unknown format or leaf encoding", () => {
      expect(() => loadMerkleTree({ ...dump(), format: "other" })).to.throw(
        TypeError,
        'unknown Merkle dump format "other"',
      );
      expect(() => loadMerkleTree({ ...dump(), leafEncoding: ["bytes"] })).to.throw(
        TypeError,
        "leafEncoding",
      );
      expect(() => loadMerkleTree(null)).to.throw(TypeError, "unknown Merkle dump format");
    });

    it("refuses a tree whose size does not fit the number of values", () => {
      const broken = dump();
      broken.tree.pop();
      expect(() => loadMerkleTree(broken)).to.throw(TypeError, "a tree of 11 leaves has 21 nodes, not 20");
    });

    it("refuses an internal node that is not the hash of its children", () => {
      const broken = dump();
      broken.tree[3] = tamper(broken.tree[3]);
      expect(() => loadMerkleTree(broken)).to.throw(Error, "tree[3] is not the hash of its children");
    });

    it("refuses a value that does not hash to its leaf", () => {
      const broken = dump();
      broken.values[4].value = [tamper(broken.values[4].value[0])];
      expect(() => loadMerkleTree(broken)).to.throw(
        Error,
        /^Merkle dump: tree\[\d+\] is not the leaf hash of values\[4\]$/,
      );
    });

    it("refuses two values at one position and a value at an internal node", () => {
      const twice = dump();
      twice.values[1].treeIndex = twice.values[0].treeIndex;
      expect(() => loadMerkleTree(twice)).to.throw(Error, "values[1].treeIndex");
      const internal = dump();
      internal.values[0].treeIndex = 2;
      expect(() => loadMerkleTree(internal)).to.throw(
        Error,
        "values[0].treeIndex 2 is not a free leaf position",
      );
      const fractional = dump();
      fractional.values[0].treeIndex = 10.5;
      expect(() => loadMerkleTree(fractional)).to.throw(TypeError, "values[0].treeIndex must be an integer");
    });

    it("refuses values that are not one-element bytes32 tuples", () => {
      const bare = dump() as unknown as { values: { value: unknown }[] };
      bare.values[0].value = tree.toJSON().values[0].value[0];
      expect(() => loadMerkleTree(bare)).to.throw(TypeError, "values[0].value must be [bytes32]");
    });
  });

  describe("buildMerkleTreeOffThread", () => {
    /** Resolves whether the event loop got to run a macrotask before `work` settled. */
    async function loopTurnedDuring(work: () => Promise<unknown>): Promise<boolean> {
      let turned = false;
      const immediate = setImmediate(() => (turned = true));
      await work();
      clearImmediate(immediate);
      return turned;
    }

    it("gives the same tree as the inline build", async function () {
      this.timeout(60_000);
      const leaves = randomLeaves(1000);
      leaves.push(leaves[10], leaves[20]);
      const offThread = await buildMerkleTreeOffThread(leaves, { threshold: 1 });
      expect(offThread.toJSON()).to.deep.equal(buildMerkleTree(leaves).toJSON());
      expect(offThread.proof(1001)).to.deep.equal(buildMerkleTree(leaves).proof(1001));
    });

    it("keeps every tree in shared memory, built inline, in the worker or loaded (verification threads read it uncopied)", async function () {
      this.timeout(60_000);
      const leaves = randomLeaves(64);
      const trees = [
        buildMerkleTree(leaves),
        await buildMerkleTreeOffThread(leaves, { threshold: 1 }),
        loadMerkleTree(buildMerkleTree(leaves).toJSON()),
      ];
      for (const { parts } of trees)
        for (const array of [parts.values, parts.nodes, parts.treeIndexes])
          expect(array.buffer).to.be.an.instanceOf(SharedArrayBuffer);
    });

    it("builds in a worker from the threshold on, letting the event loop run meanwhile", async function () {
      this.timeout(60_000);
      // Big enough that even a warm (already started) worker takes many event-loop turns.
      const leaves = randomLeaves(20_000);
      expect(await loopTurnedDuring(() => buildMerkleTreeOffThread(leaves, { threshold: 50 }))).to.equal(
        true,
      );
    });

    it("builds inline below the threshold", async () => {
      const leaves = randomLeaves(49);
      expect(await loopTurnedDuring(() => buildMerkleTreeOffThread(leaves, { threshold: 50 }))).to.equal(
        false,
      );
    });

    it("rejects malformed leaves with the same error as the inline build", async () => {
      const leaves = [...randomLeaves(2), "0x00" as Hex];
      const error = await buildMerkleTreeOffThread(leaves, { threshold: 1 }).catch(
        (caught: unknown) => caught,
      );
      expect(error)
        .to.be.instanceOf(TypeError)
        .with.property("message")
        .that.contains("leaves[2] must be 32 bytes");
      const empty = await buildMerkleTreeOffThread([], { threshold: 0 }).catch((caught: unknown) => caught);
      expect(empty).to.be.instanceOf(TypeError);
    });

    it("starts its thread without holding the process open while no build is in flight", async function () {
      this.timeout(60_000);
      const openPorts = () =>
        process.getActiveResourcesInfo().filter((name) => name === "MessagePort").length;
      // A fresh copy of the module, so that this test starts a worker of its own.
      const file = require.resolve("../../server/platform/crypto/merkle-off-thread");
      const loaded = require.cache[file];
      delete require.cache[file];
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy, see above
        const fresh = require(file) as typeof import("../../server/platform/crypto/merkle-off-thread");
        const before = openPorts();
        fresh.warmMerkleWorker();
        expect(openPorts(), "open message ports once the worker is started").to.equal(before);
        const leaves = randomLeaves(10);
        expect((await fresh.buildMerkleTreeOffThread(leaves, { threshold: 1 })).root).to.equal(
          buildMerkleTree(leaves).root,
        );
        expect(openPorts(), "open message ports after a build").to.equal(before);
      } finally {
        require.cache[file] = loaded;
      }
    });

    it("keeps the event loop responsive while building 100k leaves", async function () {
      this.timeout(120_000);
      const leaves = randomLeaves(100_000);
      let last = performance.now();
      let maxGap = 0;
      const noteTick = () => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      };
      const ticker = setInterval(noteTick, 10);
      try {
        const tree = await buildMerkleTreeOffThread(leaves);
        noteTick();
        expect(tree.leafCount).to.equal(100_000);
      } finally {
        clearInterval(ticker);
      }
      // An inline build stalls the loop for the whole build (~0.7 s on the dev machine).
      expect(maxGap, "longest event-loop stall in ms").to.be.below(300);
    });
  });
});
