import { gs1CheckDigit, toGtin14 } from "../../batches";

/**
 * An EPC or EPC class against a MATCH_ value: the same identifier in any of its forms (a GS1
 * Digital Link on any domain, an EPC URN), or an EPC pattern (`urn:epc:idpat:sgtin:0614141.*`,
 * `…/01/{gtin}/10/*`) of which it is an instance.
 */
export function epcMatches(wanted: string, actual: string): boolean {
  const a = gs1Key(actual);
  const w = gs1Key(wanted);
  if (!a || !w) return wanted === actual;
  if (!w.includes("*")) return a === w;
  const pattern = new RegExp(`^${w.split("*").map(escapeRegExp).join("[^/]*")}$`);
  return pattern.test(a);
}

/** `01/{gtin14}[/10/{lot}][/21/{serial}]` (or `00/{sscc}`) of a GS1 identifier, else null. */
function gs1Key(uri: string): string | null {
  const urn = /^urn:epc:(id|idpat|class):(sgtin|lgtin|sscc):(.+)$/.exec(uri);
  if (urn) {
    const [, , scheme, rest] = urn;
    const parts = rest.split(".");
    if (scheme === "sscc") return `00/${parts.join("")}`;
    if (parts.length !== 3) return null;
    const [prefix, itemRef, tail] = parts;
    const ai = scheme === "sgtin" ? "21" : "10";
    // A pattern without item reference: any GTIN of that company prefix (the indicator is unknown).
    if (itemRef === "*") return `01/*${prefix === "*" ? "" : prefix}*/${ai}/${decodeOrKeep(tail)}`;
    const withoutCheck = `${itemRef[0]}${prefix}${itemRef.slice(1)}`;
    const gtin = /^\d{13}$/.test(withoutCheck) ? `${withoutCheck}${gs1CheckDigit(withoutCheck)}` : null;
    if (!gtin) return null;
    return `01/${gtin}/${ai}/${decodeOrKeep(tail)}`;
  }
  let url: URL;
  try {
    url = new URL(uri.replace(/\*/g, "%2A"));
  } catch {
    return null;
  }
  const path = url.pathname.replace(/%2A/gi, "*");
  const match = /(?:^|\/)01\/(\d{8,14})(?:\/10\/([^/]+))?(?:\/21\/([^/]+))?\/?$/.exec(path);
  if (!match || url.origin === "null") return null;
  const [, gtin, lot, serial] = match;
  if (serial !== undefined) return `01/${toGtin14(gtin)}/21/${decodeOrKeep(serial)}`;
  if (lot !== undefined) return `01/${toGtin14(gtin)}/10/${decodeOrKeep(lot)}`;
  return `01/${toGtin14(gtin)}`;
}

function decodeOrKeep(value: string): string {
  try {
    return value === "*" ? value : decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
