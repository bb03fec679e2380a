/**
 * EPCIS 2.0 / CBV 2.0 vocabulary as it appears in JSON-LD documents, and EcoTrace's own namespace.
 *
 * In EPCIS 2.0 JSON, standard CBV terms are written bare (`"bizStep": "shipping"`) and anything
 * else must be a URI that does not start with `urn:epcglobal:cbv` (the official schema forbids
 * it). EcoTrace stores CBV terms as URNs (`urn:epcglobal:cbv:bizstep:shipping`), and the REST API
 * accepts any lowercase term, so terms CBV does not define are published under our vocabulary:
 * `urn:epcglobal:cbv:bizstep:harvesting` ⇄ `https://ecotrace.example/voc/bizstep-harvesting`.
 */

/** JSON-LD namespace of EcoTrace extension fields (`ecotrace:hash`, `ecotrace:data` …). */
export const ECOTRACE_NS = "https://ecotrace.example/ns#";
export const ECOTRACE_PREFIX = "ecotrace";
/** Where EcoTrace publishes business steps and dispositions that CBV 2.0 does not define. */
export const ECOTRACE_VOCAB = "https://ecotrace.example/voc/";
export const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
export const EPCIS_SCHEMA_VERSION = "2.0";

/** CBV 2.0 business steps (the enumeration of the official EPCIS 2.0 JSON schema). */
export const CBV_BIZ_STEPS: ReadonlySet<string> = new Set([
  "accepting",
  "arriving",
  "assembling",
  "collecting",
  "commissioning",
  "consigning",
  "creating_class_instance",
  "cycle_counting",
  "decommissioning",
  "departing",
  "destroying",
  "disassembling",
  "dispensing",
  "encoding",
  "entering_exiting",
  "holding",
  "inspecting",
  "installing",
  "killing",
  "loading",
  "other",
  "packing",
  "picking",
  "receiving",
  "removing",
  "repackaging",
  "repairing",
  "replacing",
  "reserving",
  "retail_selling",
  "shipping",
  "staging_outbound",
  "stock_taking",
  "stocking",
  "storing",
  "transporting",
  "unloading",
  "unpacking",
  "void_shipping",
  "sensor_reporting",
  "sampling",
]);

/** CBV 2.0 dispositions (the enumeration of the official EPCIS 2.0 JSON schema). */
export const CBV_DISPOSITIONS: ReadonlySet<string> = new Set([
  "active",
  "container_closed",
  "damaged",
  "destroyed",
  "dispensed",
  "disposed",
  "encoded",
  "expired",
  "in_progress",
  "in_transit",
  "inactive",
  "no_pedigree_match",
  "non_sellable_other",
  "partially_dispensed",
  "recalled",
  "reserved",
  "retail_sold",
  "returned",
  "sellable_accessible",
  "sellable_not_accessible",
  "stolen",
  "unknown",
  "available",
  "completeness_verified",
  "completeness_inferred",
  "conformant",
  "container_open",
  "mismatch_instance",
  "mismatch_class",
  "mismatch_quantity",
  "needs_replacement",
  "non_conformant",
  "unavailable",
]);

const CBV_URN = "urn:epcglobal:cbv:";
type TermKind = "bizstep" | "disp";

/** Stored bizStep (URN or URI) → its EPCIS 2.0 JSON form. */
export function toEpcisBizStep(stored: string): string {
  return toEpcisTerm(stored, "bizstep", CBV_BIZ_STEPS);
}

/** Stored disposition (URN or URI) → its EPCIS 2.0 JSON form. */
export function toEpcisDisposition(stored: string): string {
  return toEpcisTerm(stored, "disp", CBV_DISPOSITIONS);
}

/** EPCIS 2.0 JSON bizStep → the form EcoTrace stores (CBV URN, or the URI unchanged). */
export function fromEpcisBizStep(value: string): string {
  return fromEpcisTerm(value, "bizstep", CBV_BIZ_STEPS);
}

/** EPCIS 2.0 JSON disposition → the form EcoTrace stores. */
export function fromEpcisDisposition(value: string): string {
  return fromEpcisTerm(value, "disp", CBV_DISPOSITIONS);
}

/** The CBV term of a stored value (`urn:epcglobal:cbv:bizstep:shipping` → `shipping`), if any. */
export function cbvTermOf(stored: string | undefined, kind: TermKind): string | undefined {
  const prefix = `${CBV_URN}${kind}:`;
  return stored?.startsWith(prefix) ? stored.slice(prefix.length) : undefined;
}

function toEpcisTerm(stored: string, kind: TermKind, standard: ReadonlySet<string>): string {
  const term = cbvTermOf(stored, kind);
  if (term !== undefined && standard.has(term)) return term;
  if (stored.startsWith(CBV_URN)) {
    // A CBV-looking URN CBV does not define: publish it under our vocabulary, reversibly.
    return `${ECOTRACE_VOCAB}${stored.slice(CBV_URN.length).replace(":", "-")}`;
  }
  return stored;
}

function fromEpcisTerm(value: string, kind: TermKind, standard: ReadonlySet<string>): string {
  if (standard.has(value)) return `${CBV_URN}${kind}:${value}`;
  const ours = new RegExp(`^${escapeRegExp(ECOTRACE_VOCAB)}(bizstep|disp)-(.+)$`).exec(value);
  if (ours) return `${CBV_URN}${ours[1]}:${ours[2]}`;
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
