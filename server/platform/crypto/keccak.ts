import { keccak_256 } from "@noble/hashes/sha3.js";

/** A 0x-prefixed hex string (a hash, a Merkle node). */
export type Hex = `0x${string}`;

/**
 * Keccak-256 (Ethereum's pre-standard SHA-3), the hash of event bodies and Merkle nodes.
 *
 * Why two implementations: the Merkle builder hashes ~3 times per leaf (double-hashed leaf + one
 * internal node), so the per-call cost decides whether a 100k-leaf anchor window takes well under
 * a second or several. Measured on the 2-core dev machine (Node 20.20, µs per hash):
 *
 *   input bytes                       32     64    600   4096
 *   native sponge, used directly     3.5    2.5    3.7   18
 *   `keccak` package public API      8.6    7.3    7.2   20   (builds a Transform stream per hash)
 *   @noble/hashes 2 keccak_256       8.6    7.8   21    131
 *   ethers keccak256 (hex in/out)   18.5   12.4   54    247
 *
 * So we drive the native sponge of the `keccak` package ourselves (the package exposes it only as
 * the `_state` of a hasher it constructs) and fall back to @noble/hashes when the native add-on
 * does not load (no prebuild for the platform, install scripts disabled, or `keccak` not installed:
 * today it arrives only as a transitive dev dependency). A known-answer check at load time
 * guarantees the native path never silently returns wrong hashes if the package internals change.
 */
export function keccak256(bytes: Uint8Array): Uint8Array {
  return implementation(bytes);
}

/** Which implementation `keccak256` uses in this process, for benchmarks and diagnostics. */
export function keccakImplementation(): "native" | "noble" {
  return implementation === nobleKeccak256 ? "noble" : "native";
}

type Keccak256 = (bytes: Uint8Array) => Uint8Array;

interface NativeSponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}

/** Keccak-f[1600] with a 1088-bit rate and 512-bit capacity is Keccak-256. */
const RATE = 1088;
const CAPACITY = 512;

const KNOWN_ANSWERS: ReadonlyArray<[string, string]> = [
  ["", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"],
  ["abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"],
];

function nobleKeccak256(bytes: Uint8Array): Uint8Array {
  return keccak_256(bytes);
}

function loadNativeSponge(): NativeSponge | undefined {
  try {
    // `keccak/bindings` throws when the native add-on is missing (plain `keccak` would silently
    // fall back to its own JavaScript sponge, slower than noble).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const createHasher = require("keccak/bindings") as (algorithm: string) => { _state?: unknown };
    const sponge = createHasher("keccak256")._state as Partial<NativeSponge> | undefined;
    const usable =
      typeof sponge?.initialize === "function" &&
      typeof sponge.absorb === "function" &&
      typeof sponge.squeeze === "function";
    return usable ? (sponge as NativeSponge) : undefined;
  } catch {
    return undefined;
  }
}

function nativeKeccak256(sponge: NativeSponge): Keccak256 {
  return (bytes) => {
    // The add-on reads its argument as a Buffer without checking; give it one (a view, no copy).
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    sponge.initialize(RATE, CAPACITY);
    sponge.absorb(buffer);
    return sponge.squeeze(32);
  };
}

function passesKnownAnswers(candidate: Keccak256): boolean {
  return KNOWN_ANSWERS.every(
    ([input, digest]) => Buffer.from(candidate(Buffer.from(input, "utf8"))).toString("hex") === digest,
  );
}

function chooseImplementation(): Keccak256 {
  const sponge = loadNativeSponge();
  if (sponge) {
    const native = nativeKeccak256(sponge);
    try {
      if (passesKnownAnswers(native)) return native;
    } catch {
      // An incompatible add-on: use the portable implementation below.
    }
  }
  return nobleKeccak256;
}

const implementation: Keccak256 = chooseImplementation();
