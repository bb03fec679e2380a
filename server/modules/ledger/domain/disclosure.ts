import { canonicalEventJson } from "./event-hash";
import { type Hex } from "../../../platform/crypto/keccak";
import { keccak256 } from "../../../platform/crypto/keccak";

/**
 * Selective disclosure of event fields (decision 0008). A producer marks fields of an event
 * private with JSON Pointers (RFC 6901) into the event body; before the body is hashed, each such
 * value is replaced by a sealed marker `{ "@commitment": C }` with
 *
 *   C = keccak256(salt ‖ utf8(JCS(value)))        salt: 32 random bytes, one per field
 *
 * The hashed body (markers included) is what the public page and proof bundles show, so it still
 * verifies against its hash, its chain and the on-chain anchor; the value and its salt (the
 * "opening") stay with the service and whoever the producer gives them to, and anyone holding an
 * opening can check it against the anchored commitment. Bodies without private fields are
 * unchanged, so events recorded before this existed keep their hashes.
 */

export const COMMITMENT_KEY = "@commitment";

export interface SealedMarker {
  [COMMITMENT_KEY]: Hex;
}

/** A private value and what proves it: the salt and the commitment in the hashed body. */
export interface Opening {
  pointer: string;
  salt: Hex;
  value: unknown;
  commitment: Hex;
}

/** Where event pointers may point: event data, and the event location (coordinates...). */
const EVENT_ROOTS = ["data", "location"] as const;
const HEX32 = /^0x[0-9a-f]{64}$/;

export function computeCommitment(salt: string, value: unknown): Hex {
  if (!HEX32.test(salt))
    throw new TypeError("a commitment salt must be 32 bytes as 0x-prefixed lowercase hex");
  const bytes = Buffer.concat([
    Buffer.from(salt.slice(2), "hex"),
    Buffer.from(canonicalEventJson(value), "utf8"),
  ]);
  return `0x${Buffer.from(keccak256(bytes)).toString("hex")}`;
}

export function isSealedMarker(value: unknown): value is SealedMarker {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const commitment = (value as Record<string, unknown>)[COMMITMENT_KEY];
  return (
    keys.length === 1 &&
    keys[0] === COMMITMENT_KEY &&
    typeof commitment === "string" &&
    HEX32.test(commitment)
  );
}

/** RFC 6901: "/a/b~1c" → ["a", "b/c"]. The empty pointer (whole document) is never allowed here. */
export function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith("/")) throw new TypeError(`JSON pointer "${pointer}" must start with /`);
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function formatPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/**
 * Why a pointer cannot name a private field of an event, or null. `allowed` lists the pointers (or
 * their prefixes) a caller may use: by default anything under /data/ and /location.
 */
export function privatePointerSyntaxProblem(
  pointer: string,
  allowed: readonly string[] = EVENT_ROOTS.map((root) => `/${root}`),
): string | null {
  if (!pointer.startsWith("/")) return "must be a JSON Pointer such as /data/price";
  if (/~[^01]|~$/.test(pointer)) return "has an invalid ~ escape (use ~0 for ~ and ~1 for /)";
  const segments = parsePointer(pointer);
  if (segments.some((segment) => segment === "")) return "must not contain empty segments";
  if (pointer === "/data") return "must name a field inside /data, not all of it";
  const fits = allowed.some((root) => pointer === root || pointer.startsWith(`${root}/`));
  return fits ? null : `must point into ${allowed.join(" or ")}`;
}

/**
 * Checks pointers against the facts they will seal: each must name an existing value, and no two
 * may overlap (one inside another). Returns the index of the first bad pointer and why, or null.
 */
export function privatePointersProblem(
  facts: Record<string, unknown>,
  pointers: readonly string[],
  allowed?: readonly string[],
): { index: number; problem: string } | null {
  for (const [index, pointer] of pointers.entries()) {
    const syntax = privatePointerSyntaxProblem(pointer, allowed);
    if (syntax) return { index, problem: syntax };
    if (resolve(facts, parsePointer(pointer)) === undefined) {
      return { index, problem: `names no value of this event (${pointer})` };
    }
    const overlapping = pointers.findIndex(
      (other, otherIndex) =>
        otherIndex !== index &&
        (other === pointer || pointer.startsWith(`${other}/`) || other.startsWith(`${pointer}/`)),
    );
    if (overlapping >= 0) return { index, problem: `overlaps private field ${pointers[overlapping]}` };
  }
  return null;
}

/**
 * Replaces each pointed value by its sealed marker. Pointers must have passed
 * `privatePointersProblem`. `newSalt` supplies the randomness (one 32-byte salt per field).
 * Returns new facts (the input is not changed) and the openings, in pointer order.
 */
export function sealFields<T extends Record<string, unknown>>(
  facts: T,
  pointers: readonly string[],
  newSalt: () => Hex,
): { facts: T; openings: Opening[] } {
  const sealed = structuredClone(facts);
  const openings = pointers.map((pointer) => {
    const segments = parsePointer(pointer);
    const parent = resolve(sealed, segments.slice(0, -1)) as Record<string, unknown>;
    const key = segments[segments.length - 1];
    const value = parent[key];
    const salt = newSalt();
    const commitment = computeCommitment(salt, value);
    parent[key] = { [COMMITMENT_KEY]: commitment };
    return { pointer, salt, value, commitment };
  });
  return { facts: sealed, openings };
}

/** Every sealed marker in a body (under data and location), as pointer and commitment. */
export function findSealedFields(body: Record<string, unknown>): { pointer: string; commitment: Hex }[] {
  const found: { pointer: string; commitment: Hex }[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (isSealedMarker(value)) {
      found.push({ pointer: formatPointer(path), commitment: value[COMMITMENT_KEY] });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index]));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  for (const root of EVENT_ROOTS) if (body[root] !== undefined) walk(body[root], [root]);
  return found;
}

/** Why an opening does not open the commitment at its pointer in `body`, or null when it does. */
export function openingProblem(
  body: Record<string, unknown>,
  opening: { pointer: string; salt: string; value: unknown },
): string | null {
  let marker: unknown;
  try {
    marker = resolve(body, parsePointer(opening.pointer));
  } catch {
    return `${opening.pointer} is not a JSON Pointer`;
  }
  if (!isSealedMarker(marker)) return `the event body holds no sealed field at ${opening.pointer}`;
  let computed: Hex;
  try {
    computed = computeCommitment(opening.salt, opening.value);
  } catch (error) {
    return `the opening of ${opening.pointer} is malformed: ${(error as Error).message}`;
  }
  return computed === marker[COMMITMENT_KEY]
    ? null
    : `value and salt given for ${opening.pointer} hash to ${computed}, not to the committed ${marker[COMMITMENT_KEY]}`;
}

function resolve(document: unknown, segments: readonly string[]): unknown {
  let current: unknown = document;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
