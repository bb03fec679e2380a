import { DigitalLinkError, formatDigitalLink, parseDigitalLinkPath, gs1CheckDigit } from "../../batches";

/**
 * Identifiers of batches in EPCIS events. EcoTrace records events per batch (GTIN + lot), which
 * EPCIS calls a class-level identifier and lists in `quantityList` (`epcClass`). Exports use the
 * GS1 Digital Link URI on GS1's canonical resolver, `https://id.gs1.org/01/{GTIN-14}/10/{lot}`,
 * so that every party compares the same string (decision 0006); batches without a GTIN use
 * EcoTrace's stable link `{PUBLIC_BASE_URL}/b/{batchId}`.
 */
export const GS1_RESOLVER = "https://id.gs1.org";

export type BatchRef = { kind: "lot"; gtin: string; lot: string } | { kind: "id"; id: string };

export type IdentifierProblemCode = "ITEM_LEVEL_IDENTIFIER" | "CLASS_WITHOUT_LOT" | "UNKNOWN_IDENTIFIER";

export interface IdentifierProblem {
  code: IdentifierProblemCode;
  message: string;
}

/** The `epcClass` under which a batch is exported. */
export function batchEpcClass(base: string, batch: { id: string; gtin?: string; lot: string }): string {
  if (!batch.gtin) return `${base}/b/${batch.id}`;
  return formatDigitalLink(GS1_RESOLVER, { gtin: batch.gtin, lot: batch.lot });
}

export function isIdentifierProblem(value: BatchRef | IdentifierProblem): value is IdentifierProblem {
  return "code" in value;
}

/**
 * Reads a class-level identifier (`epcClass`) as a batch reference: a GS1 Digital Link URI with
 * GTIN and lot on any domain, an LGTIN EPC class URN, or EcoTrace's own `{base}/b/{id}` link.
 */
export function parseBatchIdentifier(uri: string, base: string): BatchRef | IdentifierProblem {
  if (uri.startsWith("urn:epc:class:lgtin:")) return parseLgtin(uri);
  if (uri.startsWith("urn:epc:idpat:"))
    return problem("CLASS_WITHOUT_LOT", `${uri} is an EPC pattern for a whole product, not a lot`);
  if (uri.startsWith("urn:epc:id:")) return itemLevel(uri);
  const own = new RegExp(`^${escapeRegExp(base)}/b/([0-9a-f]{24})$`).exec(uri);
  if (own) return { kind: "id", id: own[1] };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return unknown(uri);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return unknown(uri);
  try {
    const key = parseDigitalLinkPath(url.pathname, Object.fromEntries(url.searchParams));
    if (!key) return unknown(uri);
    if (key.serial !== undefined) return itemLevel(uri);
    if (key.lot === undefined)
      return problem("CLASS_WITHOUT_LOT", `${uri} names a product (GTIN) without a lot (AI 10)`);
    return { kind: "lot", gtin: key.gtin, lot: key.lot };
  } catch (error) {
    if (error instanceof DigitalLinkError) return problem("UNKNOWN_IDENTIFIER", `${uri}: ${error.message}`);
    throw error;
  }
}

/**
 * What an instance-level identifier (epcList, childEPCs, input/outputEPCList, parentID) says about
 * batches (decision 0031): an item of a known lot (a Digital Link with GTIN, lot and serial), an
 * item whose lot only a serial registry knows (an SGTIN, a Digital Link with GTIN and serial), or
 * an object that is no batch's item (SSCC, GRAI, GIAI, GSRN, a location, anything else).
 */
export type InstanceRef =
  { kind: "item"; gtin: string; serial: string; lot?: string } | { kind: "other"; uri: string };

export function parseInstanceIdentifier(uri: string): InstanceRef {
  const sgtin = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (sgtin) {
    const gtin = gtinOf(sgtin[1], sgtin[2]);
    const serial = decodeOrNull(sgtin[3]);
    return gtin && serial ? { kind: "item", gtin, serial } : { kind: "other", uri };
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { kind: "other", uri };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { kind: "other", uri };
  try {
    const key = parseDigitalLinkPath(url.pathname, Object.fromEntries(url.searchParams));
    if (!key || key.serial === undefined) return { kind: "other", uri };
    return {
      kind: "item",
      gtin: key.gtin,
      serial: key.serial,
      ...(key.lot !== undefined ? { lot: key.lot } : {}),
    };
  } catch (error) {
    if (error instanceof DigitalLinkError) return { kind: "other", uri };
    throw error;
  }
}

/** LGTIN: `urn:epc:class:lgtin:{company prefix}.{indicator + item reference}.{lot}`. */
function parseLgtin(uri: string): BatchRef | IdentifierProblem {
  const match = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  const gtin = match ? gtinOf(match[1], match[2]) : null;
  if (!match || !gtin) {
    return problem("UNKNOWN_IDENTIFIER", `${uri} is not a well-formed LGTIN class URN`);
  }
  const lot = decodeOrNull(match[3]);
  if (lot === null) return problem("UNKNOWN_IDENTIFIER", `${uri} has a lot with invalid %-escaping`);
  if (!/^[!"%-?A-Z_a-z]{1,20}$/.test(lot)) {
    return problem("UNKNOWN_IDENTIFIER", `${uri}: a lot must be 1-20 characters of GS1 character set 82`);
  }
  return { kind: "lot", gtin, lot };
}

/** GTIN-14 from an EPC URN's company prefix and indicator + item reference (13 digits together). */
function gtinOf(companyPrefix: string, indicatorAndItem: string): string | null {
  if (companyPrefix.length + indicatorAndItem.length !== 13) return null;
  const withoutCheck = `${indicatorAndItem[0]}${companyPrefix}${indicatorAndItem.slice(1)}`;
  return `${withoutCheck}${gs1CheckDigit(withoutCheck)}`;
}

function decodeOrNull(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function itemLevel(uri: string): IdentifierProblem {
  const kind = /^urn:epc:id:(\w+):/.exec(uri)?.[1]?.toUpperCase();
  return problem(
    "ITEM_LEVEL_IDENTIFIER",
    `${uri} identifies ${kind ? `an individual object (${kind})` : "an individual object"}, not a lot`,
  );
}

function unknown(uri: string): IdentifierProblem {
  return problem(
    "UNKNOWN_IDENTIFIER",
    `${uri} is neither a GS1 batch identifier (Digital Link or LGTIN with GTIN and lot) nor an EcoTrace batch link`,
  );
}

function problem(code: IdentifierProblemCode, message: string): IdentifierProblem {
  return { code, message };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
