import { keccak_256 } from "@noble/hashes/sha3.js";
import canonicalize from "canonicalize";

export type Hex = `0x${string}`;

export const ZERO_HASH: Hex = `0x${"0".repeat(64)}`;

/**
 * RFC 8785 (JCS) canonical JSON of an event body. Values JSON cannot carry exactly are refused
 * with the path that holds them, rather than silently dropped or converted, because the hash must
 * be reproducible by anyone from the disclosed body.
 */
export function canonicalEventJson(body: unknown): string {
  assertJsonValue(body, "body");
  const canonical = canonicalize(body);
  if (canonical === undefined) throw new TypeError("body cannot be represented as JSON");
  return canonical;
}

/** keccak256 of the UTF-8 bytes of the canonical JSON, as 0x-prefixed lowercase hex. */
export function computeEventHash(body: unknown): Hex {
  const digest = keccak_256(new TextEncoder().encode(canonicalEventJson(body)));
  return `0x${Buffer.from(digest).toString("hex")}`;
}

function assertJsonValue(value: unknown, path: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertJsonValue(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) assertJsonValue(item, `${path}.${key}`);
    return;
  }
  throw new TypeError(`${path} is not a JSON value (${value === undefined ? "undefined" : typeof value})`);
}
