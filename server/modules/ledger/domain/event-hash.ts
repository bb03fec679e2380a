import canonicalize from "canonicalize";
import { keccak256, type Hex } from "../../../platform/crypto/keccak";

/**
 * The event hash: keccak256 of the UTF-8 bytes of the RFC 8785 (JCS) canonical JSON of the event
 * body. Anyone holding a disclosed body can recompute it with any JCS library and any keccak, so
 * the body must be plain JSON data: values JSON cannot represent exactly are rejected up front
 * instead of being silently dropped, nulled or stringified (which would make two different bodies
 * share a hash, or make the hash depend on this implementation).
 */

export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/** With the `u` flag a valid surrogate pair is one code point, so only unpaired halves match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function canonicalEventJson(body: unknown): string {
  assertPlainJson(body, [], new Set());
  const canonical = canonicalize(body);
  if (canonical === undefined) throw new TypeError("body is not representable as JSON");
  return canonical;
}

export function computeEventHash(body: unknown): Hex {
  const digest = keccak256(Buffer.from(canonicalEventJson(body), "utf8"));
  return `0x${Buffer.from(digest.buffer, digest.byteOffset, digest.length).toString("hex")}`;
}

/**
 * Walks the value the way `canonicalize` will and throws a TypeError naming the first JSON path
 * whose value has no exact JSON form. Strings must be well-formed UTF-16: a lone surrogate would
 * be replaced by U+FFFD when encoded to UTF-8, so two different bodies would hash alike. The path
 * is kept as a stack of keys and spelled out only for the error (every event of a verification
 * is walked: building each node's path string was most of the walk).
 */
function assertPlainJson(value: unknown, path: (string | number)[], ancestors: Set<object>): void {
  switch (typeof value) {
    case "string":
      if (LONE_SURROGATE.test(value))
        throw new TypeError(`${spelled(path)} contains a lone UTF-16 surrogate`);
      return;
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${spelled(path)} is not a finite number`);
      return;
    case "object":
      if (value === null) return;
      return assertPlainContainer(value, path, ancestors);
    case "undefined":
      throw new TypeError(`${spelled(path)} is undefined (leave the key out instead)`);
    default:
      throw new TypeError(`${spelled(path)} is a ${typeof value}, which JSON cannot represent`);
  }
}

function assertPlainContainer(value: object, path: (string | number)[], ancestors: Set<object>): void {
  if (ancestors.has(value)) throw new TypeError(`${spelled(path)} refers back to an enclosing object`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      assertPlainJson(value[index], path, ancestors);
      path.pop();
    }
  } else {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = value instanceof Date ? "Date (pass an ISO 8601 string)" : describeObject(value);
      throw new TypeError(`${spelled(path)} is a ${kind}, not a plain object`);
    }
    for (const key of Object.keys(value)) {
      if (LONE_SURROGATE.test(key))
        throw new TypeError(`${spelled(path)} has a key with a lone UTF-16 surrogate`);
      path.push(key);
      assertPlainJson((value as Record<string, unknown>)[key], path, ancestors);
      path.pop();
    }
  }
  ancestors.delete(value);
}

/** `body`, or the path like `data.results[0]["odd key"]`. */
function spelled(path: readonly (string | number)[]): string {
  if (path.length === 0) return "body";
  return path.reduce<string>((spelt, key) => {
    if (typeof key === "number") return `${spelt}[${key}]`;
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${spelt}[${JSON.stringify(key)}]`;
    return spelt === "" ? key : `${spelt}.${key}`;
  }, "");
}

function describeObject(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "non-plain object";
}
