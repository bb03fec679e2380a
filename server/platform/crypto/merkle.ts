import type { Hex } from "./keccak";
import { keccak256 } from "./keccak";
import { KnownMerkleTrees } from "./merkle-known-trees";
import { sharedBytes } from "../threads/shared-memory";

/**
 * The anchoring Merkle tree over event hashes. Root, proofs and layout are exactly those of
 * `StandardMerkleTree.of(leaves.map((h) => [h]), ["bytes32"])` from @openzeppelin/merkle-tree, so
 * OpenZeppelin's `MerkleProof.verify` accepts our proofs on chain:
 *
 * - leaf = keccak256(keccak256(abi.encode(bytes32))) = keccak256(keccak256(value)); the double
 *   hash keeps a 64-byte internal node from ever passing as a leaf;
 * - leaves sorted ascending (stable, so duplicates keep input order) and stored right to left at
 *   the end of an array of 2n - 1 nodes; node i = keccak256(sorted(node 2i+1, node 2i+2)).
 *
 * OpenZeppelin keeps every node as a hex string and compares through BigInt (10-17 s for 100k
 * leaves on the dev machine); here all nodes live in one Buffer of (2n - 1) × 32 bytes, only the
 * nodes a caller asks for become hex, and the same build takes ~0.7 s (native keccak) or ~2 s
 * (@noble/hashes). `npx ts-node --transpile-only scripts/bench/merkle.bench.ts` measures it.
 */

const NODE = 32;
export const MERKLE_DUMP_FORMAT = "ecotrace-merkle-v1";

export interface MerkleTree {
  readonly root: Hex;
  readonly leafCount: number;
  /** The packed tree, in shared memory: verification threads read it without a copy (verify-threads.ts). */
  readonly parts: MerkleTreeParts;
  /**
   * Sibling hashes from the leaf of `leaves[valueIndex]` up to the root (OZ `getProof(i)`), frozen:
   * checking an issued proof again is a lookup (`verifyMerkleLeaf`).
   */
  proof(valueIndex: number): readonly Hex[];
  /** The double-hashed leaf of `leaves[valueIndex]`, as stored in the tree. */
  leafHash(valueIndex: number): Hex;
  /** `leaves[valueIndex]` itself (an event hash). */
  value(valueIndex: number): Hex;
  /**
   * Whether `proof` is exactly this tree's path from a leaf whose hash is `leafHash` to the root:
   * lookups and comparisons, no hashing. A tree is consistent by construction (every node hashed
   * when it was built or loaded), so such a proof verifies; false says nothing (walk it).
   */
  hasPath(leafHash: string, proof: readonly string[]): boolean;
  /**
   * The shape of OZ's `dump()` (each value a one-element tuple, lowercase hex) under our own format
   * tag; with `format` set to "standard-v1" it loads in `StandardMerkleTree.load` as it is.
   */
  toJSON(): MerkleTreeDump;
}

export interface MerkleTreeDump {
  format: typeof MERKLE_DUMP_FORMAT;
  leafEncoding: ["bytes32"];
  tree: Hex[];
  values: { value: [Hex]; treeIndex: number }[];
}

/**
 * The packed form of a tree. Its arrays are views of SharedArrayBuffers: posted to another thread
 * they are shared, not copied (at 1,000,000 events a copy of every window's tree per process was
 * ~110 MB of RSS).
 */
export interface MerkleTreeParts {
  /** Leaf values (event hashes) in input order, 32 bytes each. */
  values: Buffer;
  /** All 2n - 1 nodes, root first. */
  nodes: Buffer;
  /** treeIndexes[valueIndex] = position of that value's leaf among the nodes. */
  treeIndexes: Uint32Array;
}

export function buildMerkleTree(leaves: readonly Hex[]): MerkleTree {
  return merkleTreeFromParts(buildMerkleTreeParts(packLeaves(leaves)));
}

/** Parses and checks bytes32 hex leaves into one Buffer in shared memory. */
export function packLeaves(leaves: readonly Hex[], name = "leaves"): Buffer {
  if (leaves.length === 0) throw new TypeError("a Merkle tree needs at least one leaf");
  const values = sharedBytes(leaves.length * NODE);
  leaves.forEach((leaf, index) => writeBytes32(values, index, leaf, `${name}[${index}]`));
  return values;
}

/** The hashing work: leaf hashes, their sorted placement and every internal node. */
export function buildMerkleTreeParts(values: Buffer): MerkleTreeParts {
  const leafCount = values.length / NODE;
  if (leafCount === 0 || !Number.isInteger(leafCount)) {
    throw new TypeError("a Merkle tree needs a whole, non-zero number of 32-byte leaves");
  }
  const leafHashes = hashLeaves(values, leafCount);
  const sorted = sortedLeafOrder(leafHashes, leafCount);
  const nodes = sharedBytes((2 * leafCount - 1) * NODE);
  const treeIndexes = new Uint32Array(new SharedArrayBuffer(leafCount * Uint32Array.BYTES_PER_ELEMENT));
  const lastNode = 2 * leafCount - 2;
  sorted.forEach((valueIndex, rank) => {
    treeIndexes[valueIndex] = lastNode - rank;
    leafHashes.copy(nodes, (lastNode - rank) * NODE, valueIndex * NODE, (valueIndex + 1) * NODE);
  });
  hashInternalNodes(nodes, leafCount);
  return { values, nodes, treeIndexes };
}

/**
 * Wraps parts produced by `buildMerkleTreeParts` (possibly in a worker) without re-hashing, so
 * only for parts this code built; stored or received trees go through `loadMerkleTree`.
 */
export function merkleTreeFromParts({ values, nodes, treeIndexes }: MerkleTreeParts): MerkleTree {
  const leafCount = treeIndexes.length;
  if (leafCount === 0 || values.length !== leafCount * NODE || nodes.length !== (2 * leafCount - 1) * NODE) {
    throw new TypeError("Merkle tree parts do not fit together");
  }
  const hexAt = (buffer: Buffer, index: number): Hex =>
    `0x${buffer.toString("hex", index * NODE, (index + 1) * NODE)}`;
  const treeIndexOf = (valueIndex: number): number => {
    if (!Number.isInteger(valueIndex) || valueIndex < 0 || valueIndex >= leafCount) {
      throw new RangeError(`value index ${valueIndex} is outside 0..${leafCount - 1}`);
    }
    return treeIndexes[valueIndex];
  };
  const root = hexAt(nodes, 0);
  // The upper nodes are in most proofs (a tree of 10,000 leaves: 10 of each proof's 14 siblings
  // are among its top 1,250 nodes), so their hex is kept once made: ~110 KB for such a tree.
  const upperCount = Math.ceil(leafCount / 8);
  const upperHex: Hex[] = [];
  const nodeHex = (index: number): Hex =>
    index < upperCount ? (upperHex[index] ??= hexAt(nodes, index)) : hexAt(nodes, index);
  return {
    root,
    leafCount,
    parts: { values, nodes, treeIndexes },
    proof(valueIndex) {
      const treeIndex = treeIndexOf(valueIndex);
      const proof: Hex[] = [];
      for (let index = treeIndex; index > 0; index = (index - 1) >> 1) {
        proof.push(nodeHex(index % 2 === 1 ? index + 1 : index - 1));
      }
      Object.freeze(proof);
      issuedPaths.set(proof, { root, nodes, treeIndex, values, valueIndex });
      return proof;
    },
    leafHash: (valueIndex) => hexAt(nodes, treeIndexOf(valueIndex)),
    value(valueIndex) {
      treeIndexOf(valueIndex); // the same range check
      return hexAt(values, valueIndex);
    },
    hasPath: (leafHash, proof) => hasPath(nodes, leafCount, leafHash, proof),
    toJSON: () => ({
      format: MERKLE_DUMP_FORMAT,
      leafEncoding: ["bytes32"],
      tree: Array.from({ length: 2 * leafCount - 1 }, (_, index) => hexAt(nodes, index)),
      values: Array.from(treeIndexes, (treeIndex, valueIndex) => ({
        value: [hexAt(values, valueIndex)] as [Hex],
        treeIndex,
      })),
    }),
  };
}

/**
 * The leaves sit sorted at the end of `nodes` (rank r at node 2n - 2 - r, ascending by hash): a
 * binary search finds the first leaf equal to `leafHash`, then each equal leaf's siblings are
 * compared with the proof, level by level.
 */
function hasPath(nodes: Buffer, leafCount: number, leafHash: string, proof: readonly string[]): boolean {
  const target = Buffer.alloc(NODE);
  try {
    writeBytes32(target, 0, leafHash, "leaf");
  } catch {
    return false;
  }
  const lastNode = 2 * leafCount - 2;
  const leafAt = (rank: number) => (lastNode - rank) * NODE;
  let low = 0;
  let high = leafCount;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (nodes.compare(target, 0, NODE, leafAt(middle), leafAt(middle) + NODE) < 0) low = middle + 1;
    else high = middle;
  }
  for (let rank = low; rank < leafCount; rank++) {
    if (nodes.compare(target, 0, NODE, leafAt(rank), leafAt(rank) + NODE) !== 0) return false;
    let level = 0;
    let index = lastNode - rank;
    for (; index > 0 && level < proof.length; index = (index - 1) >> 1, level++) {
      const sibling = index % 2 === 1 ? index + 1 : index - 1;
      if (!hexEquals(proof[level], nodes, sibling * NODE)) break;
    }
    if (index === 0 && level === proof.length) return true;
  }
  return false;
}

/** Whether `hex` is "0x" and the 32 bytes at `offset` in lowercase hex (no string is built). */
function hexEquals(hex: string, bytes: Buffer, offset: number): boolean {
  if (typeof hex !== "string" || hex.length !== 2 + 2 * NODE || !hex.startsWith("0x")) return false;
  for (let index = 0; index < NODE; index++) {
    const byte = bytes[offset + index];
    if (
      hex.charCodeAt(2 + 2 * index) !== HEX_DIGITS[byte >> 4] ||
      hex.charCodeAt(3 + 2 * index) !== HEX_DIGITS[byte & 15]
    )
      return false;
  }
  return true;
}

const HEX_DIGITS = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));

/**
 * Rebuilds a tree from `toJSON()` output, or from an OpenZeppelin `standard-v1` dump with leaf
 * encoding ["bytes32"]. Like OZ's `load`, it re-hashes everything and throws when any node or leaf
 * does not match, so a stored dump cannot hand out proofs for a root it does not have.
 */
export function loadMerkleTree(dump: unknown): MerkleTree {
  const { format, leafEncoding, tree, values } = (dump ?? {}) as Record<string, unknown>;
  if (format !== MERKLE_DUMP_FORMAT && format !== "standard-v1") {
    throw new TypeError(`unknown Merkle dump format ${JSON.stringify(format)}`);
  }
  if (JSON.stringify(leafEncoding) !== '["bytes32"]') throw new TypeError('leafEncoding must be ["bytes32"]');
  if (!Array.isArray(values) || !Array.isArray(tree)) {
    throw new TypeError("a Merkle dump needs tree and values arrays");
  }
  const leafValues = packLeaves(values.map(tupleValue), "values");
  if (tree.length !== 2 * values.length - 1) {
    throw new TypeError(
      `a tree of ${values.length} leaves has ${2 * values.length - 1} nodes, not ${tree.length}`,
    );
  }
  const nodes = sharedBytes(tree.length * NODE);
  tree.forEach((node, index) => writeBytes32(nodes, index, node, `tree[${index}]`));
  const treeIndexes = new Uint32Array(new SharedArrayBuffer(values.length * Uint32Array.BYTES_PER_ELEMENT));
  values.forEach(({ treeIndex }, valueIndex) => {
    if (!Number.isSafeInteger(treeIndex)) {
      throw new TypeError(`values[${valueIndex}].treeIndex must be an integer`);
    }
    treeIndexes[valueIndex] = treeIndex as number;
  });
  assertConsistent({ values: leafValues, nodes, treeIndexes });
  return merkleTreeFromParts({ values: leafValues, nodes, treeIndexes });
}

/** Walks a proof like OpenZeppelin's `MerkleProof.verify` with the double-hashed bytes32 leaf. */
export function verifyMerkleProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  const value = Buffer.alloc(NODE);
  writeBytes32(value, 0, leaf, "leaf");
  return verifyMerkleLeaf(root, `0x${Buffer.from(keccak256(keccak256(value))).toString("hex")}`, proof);
}

/** The process's trees, by root (every reader and the anchoring worker in it share them). */
export const knownMerkleTrees = new KnownMerkleTrees<MerkleTree>();

/**
 * `MerkleProof.verify(proof, root, leaf)` for a leaf already hashed (what the registry's
 * `verifyLeaf` takes): sorted-pair keccak up the proof. A proof that is exactly the path of a tree
 * this process keeps for `root` (knownMerkleTrees: the windows it anchored or rebuilt) is answered
 * by lookups instead (issue 15: walking ~50 proofs of 14 levels, twice, was the largest part of
 * a first verification); any other proof is walked.
 */
export function verifyMerkleLeaf(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return (
    isIssuedPath(root, leaf, proof) ||
    knownMerkleTrees.hasPath(root, leaf, proof) ||
    walkMerkleProof(root, leaf, proof)
  );
}

/**
 * The proofs this process's trees issued, each with its tree's nodes and its leaf's position. An
 * issued proof is frozen, so it is still exactly that path when it comes back to be checked (a
 * verification checks each event's proof twice: as the bundle's proof, and as the chain reader's
 * `verifyLeaf` arithmetic); a tree is consistent by construction, so the path leads to the root.
 * Comparing the root and the leaf is all that is left (issue 15: walking or matching ~50 proofs
 * of 14 levels, twice, was a tenth of a first verification).
 */
const issuedPaths = new WeakMap<
  readonly string[],
  { root: Hex; nodes: Buffer; treeIndex: number; values: Buffer; valueIndex: number }
>();

/**
 * The leaf of `value` (keccak256(keccak256(value))) when `proof` is the path a tree of this
 * process issued for exactly that value: the tree holds it already (hashed from the value when the
 * tree was built or loaded). Undefined otherwise: hash it.
 */
export function issuedLeafOf(proof: readonly string[], value: string): Hex | undefined {
  const issued = issuedPaths.get(proof);
  if (!issued || !hexEquals(value, issued.values, issued.valueIndex * NODE)) return undefined;
  return `0x${issued.nodes.toString("hex", issued.treeIndex * NODE, (issued.treeIndex + 1) * NODE)}`;
}

/**
 * A short name for a proof a tree of this process issued: its tree's root and the leaf's position
 * (a root fixes every node, so the name fixes every sibling); undefined for any other proof.
 */
export function issuedPathName(proof: readonly string[]): string | undefined {
  const issued = issuedPaths.get(proof);
  return issued && `${issued.root}#${issued.treeIndex}`;
}

function isIssuedPath(root: string, leaf: string, proof: readonly string[]): boolean {
  const issued = issuedPaths.get(proof);
  return (
    issued !== undefined &&
    hexEquals(root, issued.nodes, 0) &&
    hexEquals(leaf, issued.nodes, issued.treeIndex * NODE)
  );
}

function walkMerkleProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  const scratch = Buffer.alloc(NODE * (proof.length + 2));
  writeBytes32(scratch, 0, root, "root");
  writeBytes32(scratch, 1, leaf, "leaf");
  proof.forEach((sibling, index) => writeBytes32(scratch, index + 2, sibling, `proof[${index}]`));
  let computed = Buffer.from(scratch.subarray(NODE, 2 * NODE));
  const pair = Buffer.alloc(2 * NODE);
  for (let index = 2; index < proof.length + 2; index++) {
    const sibling = scratch.subarray(index * NODE, (index + 1) * NODE);
    const [low, high] = computed.compare(sibling) <= 0 ? [computed, sibling] : [sibling, computed];
    low.copy(pair, 0);
    high.copy(pair, NODE);
    computed = Buffer.from(keccak256(pair));
  }
  return computed.equals(scratch.subarray(0, NODE));
}

function tupleValue(entry: unknown, index: number): Hex {
  const value = (entry as { value?: unknown } | null)?.value;
  if (!Array.isArray(value) || value.length !== 1) {
    throw new TypeError(`values[${index}].value must be [bytes32]`);
  }
  return value[0] as Hex;
}

/** Hex decoding stops at the first pair that is not hex, so a short write is the validity check. */
function writeBytes32(target: Buffer, index: number, hex: unknown, name: string): void {
  const valid =
    typeof hex === "string" &&
    hex.length === 2 + 2 * NODE &&
    hex.startsWith("0x") &&
    target.write(hex.slice(2), index * NODE, NODE, "hex") === NODE;
  if (!valid) throw new TypeError(`${name} must be 32 bytes as 0x-prefixed hex, got ${String(hex)}`);
}

function hashLeaves(values: Buffer, leafCount: number): Buffer {
  const leafHashes = Buffer.alloc(leafCount * NODE);
  for (let index = 0; index < leafCount; index++) {
    const value = values.subarray(index * NODE, (index + 1) * NODE);
    leafHashes.set(keccak256(keccak256(value)), index * NODE);
  }
  return leafHashes;
}

/**
 * Value indexes ordered by leaf hash, ties in input order (OZ sorts stably). Comparing the first
 * 48 bits as numbers settles nearly every comparison without a call into Buffer.compare.
 */
function sortedLeafOrder(leafHashes: Buffer, leafCount: number): number[] {
  const prefix = new Float64Array(leafCount);
  for (let index = 0; index < leafCount; index++) prefix[index] = leafHashes.readUIntBE(index * NODE, 6);
  const order = Array.from({ length: leafCount }, (_, index) => index);
  return order.sort(
    (a, b) =>
      prefix[a] - prefix[b] ||
      leafHashes.compare(leafHashes, b * NODE, (b + 1) * NODE, a * NODE, (a + 1) * NODE),
  );
}

/** Fills nodes 0..n-2 from their children, bottom up: node i = keccak256(sorted(2i+1, 2i+2)). */
function hashInternalNodes(nodes: Buffer, leafCount: number): void {
  const pair = Buffer.alloc(2 * NODE);
  for (let index = leafCount - 2; index >= 0; index--) {
    const left = (2 * index + 1) * NODE;
    const right = left + NODE;
    const low = nodes.compare(nodes, right, right + NODE, left, right) <= 0 ? left : right;
    const high = left + right - low;
    nodes.copy(pair, 0, low, low + NODE);
    nodes.copy(pair, NODE, high, high + NODE);
    nodes.set(keccak256(pair), index * NODE);
  }
}

function assertConsistent({ values, nodes, treeIndexes }: MerkleTreeParts): void {
  const leafCount = treeIndexes.length;
  const leafHashes = hashLeaves(values, leafCount);
  const seen = new Uint8Array(leafCount);
  treeIndexes.forEach((treeIndex, valueIndex) => {
    const rank = 2 * leafCount - 2 - treeIndex;
    if (!(rank >= 0 && rank < leafCount) || seen[rank]++ > 0) {
      throw new Error(
        `Merkle dump: values[${valueIndex}].treeIndex ${treeIndex} is not a free leaf position`,
      );
    }
    if (!sameNode(leafHashes, valueIndex, nodes, treeIndex)) {
      throw new Error(`Merkle dump: tree[${treeIndex}] is not the leaf hash of values[${valueIndex}]`);
    }
  });
  const rehashed = Buffer.from(nodes);
  hashInternalNodes(rehashed, leafCount);
  if (!rehashed.equals(nodes)) {
    let bad = 0;
    while (sameNode(rehashed, bad, nodes, bad)) bad++;
    throw new Error(`Merkle dump: tree[${bad}] is not the hash of its children`);
  }
}

function sameNode(a: Buffer, aIndex: number, b: Buffer, bIndex: number): boolean {
  return a.compare(b, bIndex * NODE, (bIndex + 1) * NODE, aIndex * NODE, (aIndex + 1) * NODE) === 0;
}
