import { gtinProblem, toGtin14 } from "./gtin";

/**
 * GS1 Digital Link URIs (GS1 Digital Link standard 1.2): `{base}/01/{GTIN-14}/10/{lot}` for a
 * batch, plus `/21/{serial}` for an item-level label. Batches without a GTIN get EcoTrace's stable
 * fallback `{base}/b/{publicId}` (it is not a GS1 key, so it never pretends to be one; the public
 * id is random, decision 0020).
 */
export interface DigitalLinkKey {
  gtin: string;
  lot?: string;
  serial?: string;
}

export function batchDigitalLink(
  base: string,
  batch: { publicId: string; gtin?: string; lot: string },
): string {
  if (!batch.gtin) return `${base}/b/${batch.publicId}`;
  return formatDigitalLink(base, { gtin: batch.gtin, lot: batch.lot });
}

export function formatDigitalLink(base: string, key: DigitalLinkKey): string {
  let uri = `${base}/01/${toGtin14(key.gtin)}`;
  if (key.lot !== undefined) uri += `/10/${encodeSegment(key.lot)}`;
  if (key.serial !== undefined) uri += `/21/${encodeSegment(key.serial)}`;
  return uri;
}

/**
 * Short names GS1 allows in place of the numeric application identifiers (the standard's
 * "convenience alphas", still accepted by resolvers).
 */
const ALIASES: Record<string, string> = { gtin: "01", lot: "10", ser: "21" };

/**
 * Parses the path of a Digital Link URI (everything after the domain and an optional prefix):
 * numeric AIs or their short names, GTIN-8/12/13/14 (normalised to 14 digits, check digit
 * verified), percent-encoded values, and a lot or serial given as query parameters
 * (`/01/…?10=…`). Returns null when the path is not a Digital Link; throws a DigitalLinkError
 * naming the problem when it is one but is malformed.
 */
export function parseDigitalLinkPath(
  path: string,
  query: Record<string, string | undefined> = {},
): DigitalLinkKey | null {
  const segments = path.split("/").filter((segment) => segment !== "");
  const start = segments.findIndex((segment) => segment === "01" || segment === "gtin");
  if (start < 0) return null;
  const values: Record<string, string> = {};
  for (let index = start; index < segments.length; index += 2) {
    const ai = ALIASES[segments[index]] ?? segments[index];
    const raw = segments[index + 1];
    if (raw === undefined) throw new DigitalLinkError(`application identifier ${ai} has no value`);
    if (!["01", "10", "21", "22"].includes(ai))
      throw new DigitalLinkError(`unsupported application identifier ${ai}`);
    if (values[ai] !== undefined) throw new DigitalLinkError(`application identifier ${ai} appears twice`);
    values[ai] = decodeSegment(raw);
  }
  for (const [name, ai] of Object.entries({ "10": "10", lot: "10", "21": "21", ser: "21" })) {
    const value = query[name];
    if (value !== undefined && values[ai] === undefined) values[ai] = value;
  }
  const gtin = values["01"];
  const problem = gtinProblem(gtin);
  if (problem) throw new DigitalLinkError(`GTIN ${gtin} ${problem}`);
  for (const ai of ["10", "21"]) {
    if (values[ai] !== undefined && !/^[!"%-?A-Z_a-z]{1,20}$/.test(values[ai])) {
      throw new DigitalLinkError(`value of AI ${ai} must be 1-20 characters of GS1 character set 82`);
    }
  }
  return {
    gtin: toGtin14(gtin),
    ...(values["10"] !== undefined ? { lot: values["10"] } : {}),
    ...(values["21"] !== undefined ? { serial: values["21"] } : {}),
  };
}

export class DigitalLinkError extends Error {
  override name = "DigitalLinkError";
}

/** Percent-encodes everything outside RFC 3986's unreserved set, as the standard requires. */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new DigitalLinkError(`"${value}" is not valid percent-encoding`);
  }
}
