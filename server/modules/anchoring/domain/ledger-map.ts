import { keccak256 } from "../../../platform/crypto/keccak";
import { ZERO_HASH, type LedgerSubject } from "../../ledger";
import type { Hex } from "../../../platform/crypto/keccak";

/**
 * The ledger map (decision 0015): every ledger's latest anchored head, keyed by what an outsider
 * can derive from a QR code, committed by each anchoring window next to its event root. A compact
 * sparse Merkle tree over 256-bit keys (bit 0 = most significant):
 *
 * - empty subtree: the zero hash;
 * - a subtree holding one entry: its leaf, keccak256(0x00 ‖ key ‖ valueHash), wherever it sits;
 * - any other subtree: keccak256(0x01 ‖ left ‖ right).
 *
 * The prefix bytes keep a leaf from passing as an inner node. Keys are keccak outputs, so the depth
 * is about log2(entries): an update rehashes ~17 nodes at 100 000 ledgers, whatever else the map
 * holds. A proof lists the sibling hashes from the root down to where the key's path ends: at its
 * own leaf (inclusion), at an empty subtree or at another key's leaf (non-inclusion).
 */
export interface LedgerMapValue {
  /** The ledger's subject id (a batch or a brand), 24 hex characters. */
  ledgerId: string;
  /** Sequence number and event hash of the ledger's latest anchored event. */
  seq: number;
  headHash: Hex;
}

export interface LedgerMapProof {
  key: Hex;
  /** The entry under `key`, or null when the proof shows that `key` is absent. */
  value: LedgerMapValue | null;
  /** Sibling hashes, from the child of the root down to the end of the path. */
  siblings: Hex[];
  /** For absence: the entry whose leaf ends the path instead (it shares the path's bits). */
  neighbour?: { key: Hex; valueHash: Hex };
}

/** Key of a batch with a GTIN: what its GS1 Digital Link names (GTIN-14 and lot). */
export function gs1LedgerKey(gtin14: string, lot: string): Hex {
  return hashText(`01/${gtin14}/10/${lot}`);
}

/**
 * Key of a batch without a GTIN (its QR code names the batch id), of a brand's licence register or
 * of an organization's observation log (decision 0031).
 */
export function idLedgerKey(kind: "batch" | LedgerSubject, id: string): Hex {
  return hashText(`${kind}/${id}`);
}

/** The key of a batch from its hashed commissioning facts (`data.product.gtin`, `data.lot`). */
export function batchLedgerKey(batchId: string, commissioningData: unknown): Hex {
  const data = (commissioningData ?? {}) as { product?: { gtin?: unknown }; lot?: unknown };
  const gtin = data.product?.gtin;
  return typeof gtin === "string" && typeof data.lot === "string"
    ? gs1LedgerKey(gtin, data.lot)
    : idLedgerKey("batch", batchId);
}

export function ledgerMapValueHash(value: LedgerMapValue): Hex {
  return toHex(valueHashBytes(value));
}

function valueHashBytes(value: LedgerMapValue): Buffer {
  const bytes = Buffer.alloc(12 + 8 + 32);
  bytes.write(value.ledgerId, 0, 12, "hex");
  bytes.writeBigUInt64BE(BigInt(value.seq), 12);
  bytes.write(value.headHash.slice(2), 20, 32, "hex");
  return Buffer.from(keccak256(bytes));
}

/** Whether `proof` shows its key's entry (or absence) in the map with root `root`. */
export function verifyLedgerMapProof(root: Hex, proof: LedgerMapProof): boolean {
  try {
    const key = bytes32(proof.key);
    let node: Buffer;
    if (proof.value) {
      node = leafHash(key, valueHashBytes(proof.value));
    } else if (proof.neighbour) {
      const other = bytes32(proof.neighbour.key);
      if (other.equals(key) || commonPrefixBits(key, other) < proof.siblings.length) return false;
      node = leafHash(other, bytes32(proof.neighbour.valueHash));
    } else {
      node = Buffer.alloc(32);
    }
    for (let depth = proof.siblings.length - 1; depth >= 0; depth--) {
      const sibling = bytes32(proof.siblings[depth]);
      node = bitAt(key, depth) === 0 ? innerHash(node, sibling) : innerHash(sibling, node);
    }
    return node.equals(bytes32(root));
  } catch {
    return false;
  }
}

const EMPTY = Buffer.alloc(32);

type Node = LeafNode | InnerNode;
interface LeafNode {
  leaf: true;
  key: Buffer;
  value: LedgerMapValue;
  hash: Buffer;
}
interface InnerNode {
  leaf: false;
  left: Node | null;
  right: Node | null;
  /** Null while a change below has not been hashed yet. */
  hash: Buffer | null;
}

/** The map in memory; `set` is O(depth), `root` rehashes only what changed since. */
export class LedgerMap {
  private top: Node | null = null;
  private readonly byKey = new Map<Hex, LedgerMapValue>();
  private readonly keyOfLedger = new Map<string, Hex>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: Hex): LedgerMapValue | undefined {
    return this.byKey.get(key);
  }

  /** Every entry, in insertion order of their keys. */
  entries(): IterableIterator<[Hex, LedgerMapValue]> {
    return this.byKey.entries();
  }

  /** The key a ledger is held under, if it is in the map. */
  keyOf(ledgerId: string): Hex | undefined {
    return this.keyOfLedger.get(ledgerId);
  }

  set(key: Hex, value: LedgerMapValue): void {
    const keyBytes = bytes32(key);
    const leaf: LeafNode = {
      leaf: true,
      key: keyBytes,
      value,
      hash: leafHash(keyBytes, valueHashBytes(value)),
    };
    this.top = insert(this.top, leaf, 0);
    this.byKey.set(key, value);
    this.keyOfLedger.set(value.ledgerId, key);
  }

  get root(): Hex {
    return this.top ? toHex(hashOf(this.top)) : ZERO_HASH;
  }

  proof(key: Hex): LedgerMapProof {
    const keyBytes = bytes32(key);
    const siblings: Hex[] = [];
    let node = this.top;
    for (let depth = 0; node && !node.leaf; depth++) {
      const [next, sibling] =
        bitAt(keyBytes, depth) === 0 ? [node.left, node.right] : [node.right, node.left];
      siblings.push(sibling ? toHex(hashOf(sibling)) : ZERO_HASH);
      node = next;
    }
    if (node?.key.equals(keyBytes)) return { key, value: node.value, siblings };
    return {
      key,
      value: null,
      siblings,
      ...(node ? { neighbour: { key: toHex(node.key), valueHash: ledgerMapValueHash(node.value) } } : {}),
    };
  }
}

function insert(node: Node | null, leaf: LeafNode, depth: number): Node {
  if (!node) return leaf;
  if (node.leaf) {
    if (node.key.equals(leaf.key)) return leaf;
    const split: InnerNode = { leaf: false, left: null, right: null, hash: null };
    if (bitAt(node.key, depth) === 0) split.left = node;
    else split.right = node;
    return insert(split, leaf, depth);
  }
  node.hash = null;
  if (bitAt(leaf.key, depth) === 0) node.left = insert(node.left, leaf, depth + 1);
  else node.right = insert(node.right, leaf, depth + 1);
  return node;
}

function hashOf(node: Node): Buffer {
  if (node.leaf) return node.hash;
  node.hash ??= innerHash(node.left ? hashOf(node.left) : EMPTY, node.right ? hashOf(node.right) : EMPTY);
  return node.hash;
}

/** One reused input buffer: prefix byte and two 32-byte halves (hashing is synchronous). */
const scratch = Buffer.alloc(65);

function leafHash(key: Buffer, valueHash: Buffer): Buffer {
  return prefixedHash(0, key, valueHash);
}

function innerHash(left: Buffer, right: Buffer): Buffer {
  return prefixedHash(1, left, right);
}

function prefixedHash(prefix: number, first: Buffer, second: Buffer): Buffer {
  scratch[0] = prefix;
  first.copy(scratch, 1);
  second.copy(scratch, 33);
  return Buffer.from(keccak256(scratch));
}

function bitAt(key: Buffer, index: number): number {
  return (key[index >> 3] >> (7 - (index & 7))) & 1;
}

function commonPrefixBits(a: Buffer, b: Buffer): number {
  let bits = 0;
  while (bits < 256 && bitAt(a, bits) === bitAt(b, bits)) bits++;
  return bits;
}

function bytes32(hex: string): Buffer {
  if (!/^0x[0-9a-f]{64}$/.test(hex)) throw new TypeError(`expected 32 bytes as lowercase hex, got ${hex}`);
  return Buffer.from(hex.slice(2), "hex");
}

function hashText(text: string): Hex {
  return toHex(keccak256(Buffer.from(text, "utf8")));
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}
