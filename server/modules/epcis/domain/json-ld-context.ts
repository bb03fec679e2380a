import { ECOTRACE_NS, ECOTRACE_PREFIX } from "./vocabulary";

/**
 * The little JSON-LD EcoTrace needs without a JSON-LD processor: which prefixes a document's
 * `@context` declares, so that `ecotrace:hash` is recognised whatever prefix the sender bound to
 * our namespace, and so that a captured event can take the declarations of its foreign extension
 * fields (`example:myField`) along when it is exported again.
 */
export type PrefixMap = Map<string, string>;

/** Prefix → IRI declarations of an `@context` (remote context URLs are not fetched). */
export function declaredPrefixes(context: unknown, into: PrefixMap = new Map()): PrefixMap {
  const entries = Array.isArray(context) ? context : [context];
  for (const entry of entries) {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) continue;
    for (const [term, definition] of Object.entries(entry as Record<string, unknown>)) {
      if (term.startsWith("@") || term.includes(":")) continue;
      const iri =
        typeof definition === "string"
          ? definition
          : typeof (definition as { "@id"?: unknown })?.["@id"] === "string"
            ? (definition as { "@id": string })["@id"]
            : undefined;
      if (iri !== undefined) into.set(term, iri);
    }
  }
  return into;
}

/** A problem with how a context uses our prefix, or null. */
export function prefixConflict(prefixes: PrefixMap): string | null {
  const bound = prefixes.get(ECOTRACE_PREFIX);
  if (bound !== undefined && bound !== ECOTRACE_NS) {
    return `@context binds the prefix "${ECOTRACE_PREFIX}" to ${bound}; EcoTrace reserves it for ${ECOTRACE_NS}`;
  }
  return null;
}

/**
 * Renames keys in our namespace to the `ecotrace:` prefix, whatever prefix (or full IRI) the
 * sender used, at every level.
 */
export function normalizeOwnKeys(value: unknown, prefixes: PrefixMap): unknown {
  const own = new Set([...prefixes].filter(([, iri]) => iri === ECOTRACE_NS).map(([prefix]) => prefix));
  const rename = (key: string): string => {
    if (key.startsWith(ECOTRACE_NS)) return `${ECOTRACE_PREFIX}:${key.slice(ECOTRACE_NS.length)}`;
    const colon = key.indexOf(":");
    if (colon > 0 && own.has(key.slice(0, colon))) return `${ECOTRACE_PREFIX}:${key.slice(colon + 1)}`;
    return key;
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([key, item]) => [rename(key), walk(item)]),
      );
    }
    return node;
  };
  return walk(value);
}

/**
 * The declarations of the foreign prefixes an event uses in its keys or string values, as an
 * `@context` object for the event, or undefined when it uses none.
 */
export function contextForForeignPrefixes(
  event: unknown,
  prefixes: PrefixMap,
): Record<string, string> | undefined {
  const used: Record<string, string> = {};
  const note = (text: string) => {
    const colon = text.indexOf(":");
    if (colon <= 0) return;
    const prefix = text.slice(0, colon);
    const iri = prefixes.get(prefix);
    if (iri !== undefined && prefix !== ECOTRACE_PREFIX && !text.slice(colon + 1).startsWith("//"))
      used[prefix] = iri;
  };
  const walk = (node: unknown): void => {
    if (typeof node === "string") note(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === "object") {
      for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
        if (key === "@context") continue;
        note(key);
        walk(item);
      }
    }
  };
  walk(event);
  return Object.keys(used).length > 0 ? used : undefined;
}
