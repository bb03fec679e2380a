import { gs1CheckDigit, toGtin14 } from "../../batches";
import { isIdentifierProblem, parseBatchIdentifier } from "./identifiers";
import type { EpcisEvent } from "./to-epcis";
import { fromEpcisBizStep, fromEpcisDisposition } from "./vocabulary";

/**
 * EPCIS 2.0 SimpleEventQuery parameters over REST (EPCIS 2.0 §8.2.7.1 and its OpenAPI), parsed
 * and matched against events in their EPCIS 2.0 JSON form, so the filter means exactly what the
 * standard says of the documents a client receives. Values of list parameters are repeated or
 * comma-separated. Parameters the standard defines that this repository does not evaluate are
 * refused by name (never silently ignored), as are names the standard does not define.
 */
export const EVENT_TYPES = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
] as const;

const LIST_PARAMETERS = {
  eventType: "type",
  EQ_action: "action",
  EQ_bizStep: "bizStep",
  EQ_disposition: "disposition",
  EQ_readPoint: "readPoint",
  WD_readPoint: "readPoint",
  EQ_bizLocation: "bizLocation",
  WD_bizLocation: "bizLocation",
  EQ_transformationID: "transformationID",
  EQ_eventID: "eventID",
  MATCH_epc: "epc",
  MATCH_parentID: "parentID",
  MATCH_inputEPC: "inputEPC",
  MATCH_outputEPC: "outputEPC",
  MATCH_anyEPC: "anyEPC",
  MATCH_epcClass: "epcClass",
  MATCH_inputEPCClass: "inputEPCClass",
  MATCH_outputEPCClass: "outputEPCClass",
  MATCH_anyEPCClass: "anyEPCClass",
} as const;
type ListParameter = keyof typeof LIST_PARAMETERS;

const TIME_PARAMETERS = ["GE_eventTime", "LT_eventTime", "GE_recordTime", "LT_recordTime"] as const;
type TimeParameter = (typeof TIME_PARAMETERS)[number];

/** Defined by EPCIS 2.0 but not evaluated here: refused with 501-like clarity rather than ignored. */
const NOT_SUPPORTED =
  /^(EQ_quantity|GT_quantity|GE_quantity|LT_quantity|LE_quantity|EQ_persistentDisposition|EXISTS_|HASATTR_|EQATTR_|EQ_INNER_|GT_|GE_|LT_|LE_|EQ_|orderBy|orderDirection|eventCountLimit|maxEventCount|EQ_errorReason|EQ_correctiveEventID|GE_errorDeclarationTime|LT_errorDeclarationTime|EQ_sensor|GE_sensor|LT_sensor)/;

export interface SimpleEventQuery {
  lists: Partial<Record<ListParameter, string[]>>;
  times: Partial<Record<TimeParameter, Date>>;
  perPage: number;
  nextPageToken?: string;
}

export interface QueryParameterProblem {
  field: string;
  message: string;
}

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

export function parseSimpleEventQuery(
  raw: Record<string, unknown>,
): { ok: true; query: SimpleEventQuery } | { ok: false; problems: QueryParameterProblem[] } {
  const query: SimpleEventQuery = { lists: {}, times: {}, perPage: DEFAULT_PER_PAGE };
  const problems: QueryParameterProblem[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const values = (Array.isArray(value) ? value : [value]).map(String);
    const field = `query.${name}`;
    if (name in LIST_PARAMETERS) {
      const items = values
        .flatMap((item) => item.split(","))
        .map((item) => item.trim())
        .filter(Boolean);
      if (items.length === 0) problems.push({ field, message: "needs at least one value" });
      if (name === "eventType") {
        const unknown = items.filter((item) => !(EVENT_TYPES as readonly string[]).includes(item));
        if (unknown.length) problems.push({ field, message: `must be one of ${EVENT_TYPES.join(", ")}` });
      }
      if (name === "EQ_action" && items.some((item) => !["ADD", "OBSERVE", "DELETE"].includes(item)))
        problems.push({ field, message: "must be ADD, OBSERVE or DELETE" });
      query.lists[name as ListParameter] = items;
    } else if ((TIME_PARAMETERS as readonly string[]).includes(name)) {
      const time = values.length === 1 ? parseTime(values[0]) : null;
      if (!time) problems.push({ field, message: "must be one ISO 8601 date-time with a time zone offset" });
      else query.times[name as TimeParameter] = time;
    } else if (name === "perPage") {
      const perPage = values.length === 1 && /^\d{1,5}$/.test(values[0]) ? Number(values[0]) : NaN;
      if (!(perPage >= 1 && perPage <= MAX_PER_PAGE))
        problems.push({ field, message: `must be an integer from 1 to ${MAX_PER_PAGE}` });
      else query.perPage = perPage;
    } else if (name === "nextPageToken") {
      if (values.length !== 1 || !/^[A-Za-z0-9_-]{1,64}$/.test(values[0]))
        problems.push({ field, message: "is not a token this repository returned" });
      else query.nextPageToken = values[0];
    } else if (NOT_SUPPORTED.test(name)) {
      problems.push({ field, message: "is an EPCIS query parameter this repository does not evaluate" });
    } else {
      problems.push({ field, message: "is not an EPCIS 2.0 simple event query parameter" });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, query };
}

/** The lots (GTIN-14 + lot) a query names through class identifiers, for narrowing the search. */
export function lotsNamed(query: SimpleEventQuery, base: string): { gtin: string; lot: string }[] | null {
  const classes = query.lists.MATCH_epcClass ?? query.lists.MATCH_anyEPCClass;
  if (!classes) return null;
  const lots: { gtin: string; lot: string }[] = [];
  for (const uri of classes) {
    if (uri.includes("*")) return null; // a pattern: no narrowing
    const ref = parseBatchIdentifier(uri, base);
    if (isIdentifierProblem(ref) || ref.kind !== "lot") return null; // a pattern: no narrowing
    lots.push({ gtin: ref.gtin, lot: ref.lot });
  }
  return lots;
}

/** The stored form of the one business step a query asks for (a database filter), else null. */
export function storedBizStepNamed(query: SimpleEventQuery): string | null {
  const steps = query.lists.EQ_bizStep;
  return steps?.length === 1 ? fromEpcisBizStep(cbvTerm(steps[0])) : null;
}

export function matchesSimpleEventQuery(event: EpcisEvent, query: SimpleEventQuery): boolean {
  const { lists, times } = query;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const anyOf = (wanted: string[] | undefined, actual: (string | undefined)[], same = equalUri) =>
    !wanted || actual.some((value) => value !== undefined && wanted.some((item) => same(item, value)));
  if (!anyOf(lists.eventType, [text(event.type)], (a, b) => a === b)) return false;
  if (!anyOf(lists.EQ_action, [text(event.action)], (a, b) => a === b)) return false;
  if (!anyOf(lists.EQ_bizStep, [text(event.bizStep)], sameBizStep)) return false;
  if (!anyOf(lists.EQ_disposition, [text(event.disposition)], sameDisposition)) return false;
  const readPoint = text((event.readPoint as { id?: unknown } | undefined)?.id);
  const bizLocation = text((event.bizLocation as { id?: unknown } | undefined)?.id);
  if (!anyOf(lists.EQ_readPoint ?? lists.WD_readPoint, [readPoint])) return false;
  if (!anyOf(lists.EQ_bizLocation ?? lists.WD_bizLocation, [bizLocation])) return false;
  if (!anyOf(lists.EQ_transformationID, [text(event.transformationID)])) return false;
  if (!anyOf(lists.EQ_eventID, [text(event.eventID)])) return false;

  const epcs = (key: string) => strings(event[key]);
  const classes = (key: string) =>
    (Array.isArray(event[key]) ? (event[key] as { epcClass?: unknown }[]) : []).map((item) =>
      text(item.epcClass),
    );
  const matchEpc = (wanted: string[] | undefined, actual: (string | undefined)[]) =>
    anyOf(wanted, actual, epcMatches);
  if (!matchEpc(lists.MATCH_epc, [...epcs("epcList"), ...epcs("childEPCs")])) return false;
  if (!matchEpc(lists.MATCH_parentID, [text(event.parentID)])) return false;
  if (!matchEpc(lists.MATCH_inputEPC, epcs("inputEPCList"))) return false;
  if (!matchEpc(lists.MATCH_outputEPC, epcs("outputEPCList"))) return false;
  const allEpcs = [
    ...epcs("epcList"),
    ...epcs("childEPCs"),
    ...epcs("inputEPCList"),
    ...epcs("outputEPCList"),
    text(event.parentID),
  ];
  if (!matchEpc(lists.MATCH_anyEPC, allEpcs)) return false;
  const quantityClasses = [...classes("quantityList"), ...classes("childQuantityList")];
  if (!matchEpc(lists.MATCH_epcClass, quantityClasses)) return false;
  if (!matchEpc(lists.MATCH_inputEPCClass, classes("inputQuantityList"))) return false;
  if (!matchEpc(lists.MATCH_outputEPCClass, classes("outputQuantityList"))) return false;
  const allClasses = [...quantityClasses, ...classes("inputQuantityList"), ...classes("outputQuantityList")];
  if (!matchEpc(lists.MATCH_anyEPCClass, allClasses)) return false;

  const eventTime = Date.parse(String(event.eventTime));
  const recordTime = Date.parse(String(event.recordTime));
  if (times.GE_eventTime && !(eventTime >= times.GE_eventTime.getTime())) return false;
  if (times.LT_eventTime && !(eventTime < times.LT_eventTime.getTime())) return false;
  if (times.GE_recordTime && !(recordTime >= times.GE_recordTime.getTime())) return false;
  if (times.LT_recordTime && !(recordTime < times.LT_recordTime.getTime())) return false;
  return true;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** CBV 2.0 also names its terms by Web URI (`https://ref.gs1.org/cbv/BizStep-shipping`). */
const CBV_WEB_URI = /^https:\/\/(?:ref\.)?gs1\.org\/(?:cbv|voc)\/(?:BizStep|Disp)-([a-z_]+)$/;

function sameBizStep(a: string, b: string): boolean {
  return fromEpcisBizStep(cbvTerm(a)) === fromEpcisBizStep(cbvTerm(b));
}

function sameDisposition(a: string, b: string): boolean {
  return fromEpcisDisposition(cbvTerm(a)) === fromEpcisDisposition(cbvTerm(b));
}

function cbvTerm(value: string): string {
  return CBV_WEB_URI.exec(value)?.[1] ?? value;
}

function equalUri(a: string, b: string): boolean {
  return a === b;
}

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

function parseTime(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
