/**
 * EPCIS events carry keys MongoDB cannot store as field names: full IRIs contain `.`, and JSON-LD
 * allows a leading `$`. A captured event is stored with `%`, `.` and a leading `$` of every key
 * percent-encoded, and decoded again on export, so the stored form is exact and reversible.
 */
export function encodeKeys(value: unknown): unknown {
  return mapKeys(value, (key) => key.replace(/%/g, "%25").replace(/\./g, "%2E").replace(/^\$/, "%24"));
}

export function decodeKeys(value: unknown): unknown {
  return mapKeys(value, (key) => key.replace(/%24|%2E|%25/g, (escape) => decodeURIComponent(escape)));
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        rename(key),
        mapKeys(item, rename),
      ]),
    );
  }
  return value;
}

/** Depth of nested arrays and objects (a scalar is 0). */
export function jsonDepth(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, jsonDepth(child)), 0);
}
