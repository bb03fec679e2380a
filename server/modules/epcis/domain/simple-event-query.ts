import { isIdentifierProblem, parseBatchIdentifier } from "./identifiers";
import { epcMatches } from "./epc-match";
import { eventFilterFor, NOT_A_PARAMETER, parseTime, type EventFilter } from "./event-filters";
import type { OrderDirection } from "./event-order";
import type { EpcisEvent } from "./to-epcis";
import { fromEpcisBizStep, fromEpcisDisposition } from "./vocabulary";

/**
 * EPCIS 2.0 SimpleEventQuery parameters over REST (EPCIS 2.0 §8.2.7.1 and its OpenAPI), parsed
 * and matched against events in their EPCIS 2.0 JSON form, so the filter means exactly what the
 * standard says of the documents a client receives. Values of list parameters are repeated or
 * comma-separated. Parameters that test other fields of the event (quantities, sensor data, error
 * declarations, extension and ILMD fields…) are compiled by `eventFilterFor`; a name the standard
 * does not define, or a value it does not allow, is refused by name (never silently ignored).
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

/** Parameters that shape the answer rather than select events. */
const ORDER_DIRECTIONS = ["ASC", "DESC"] as const;

export interface SimpleEventQuery {
  lists: Partial<Record<ListParameter, string[]>>;
  times: Partial<Record<TimeParameter, Date>>;
  /** Every other selecting parameter, as a predicate over the event's EPCIS JSON. */
  filters: EventFilter[];
  order?: { by: string; direction: OrderDirection };
  eventCountLimit?: number;
  maxEventCount?: number;
  perPage: number;
  nextPageToken?: string;
}

export interface QueryParameterProblem {
  field: string;
  message: string;
}

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;

/** Parameters that answer the whole result at once (sorted or counted) rather than page by page. */
export function needsWholeResult(query: SimpleEventQuery): boolean {
  return Boolean(query.order || query.eventCountLimit || query.maxEventCount);
}

export function parseSimpleEventQuery(
  raw: Record<string, unknown>,
): { ok: true; query: SimpleEventQuery } | { ok: false; problems: QueryParameterProblem[] } {
  const query: SimpleEventQuery = { lists: {}, times: {}, filters: [], perPage: DEFAULT_PER_PAGE };
  const problems: QueryParameterProblem[] = [];
  let orderDirection: OrderDirection | undefined;
  for (const [name, value] of Object.entries(raw)) {
    const values = (Array.isArray(value) ? value : [value]).map(String);
    const items = values
      .flatMap((item) => item.split(","))
      .map((item) => item.trim())
      .filter(Boolean);
    const field = `query.${name}`;
    const problem = (message: string) => problems.push({ field, message });
    if (name in LIST_PARAMETERS) {
      if (items.length === 0) problem("needs at least one value");
      if (name === "eventType") {
        const unknown = items.filter((item) => !(EVENT_TYPES as readonly string[]).includes(item));
        if (unknown.length) problem(`must be one of ${EVENT_TYPES.join(", ")}`);
      }
      if (name === "EQ_action" && items.some((item) => !["ADD", "OBSERVE", "DELETE"].includes(item)))
        problem("must be ADD, OBSERVE or DELETE");
      query.lists[name as ListParameter] = items;
    } else if ((TIME_PARAMETERS as readonly string[]).includes(name)) {
      const time = values.length === 1 ? parseTime(values[0]) : null;
      if (!time) problem("must be one ISO 8601 date-time with a time zone offset");
      else query.times[name as TimeParameter] = time;
    } else if (name === "perPage") {
      const perPage = positiveInteger(values);
      if (!(perPage && perPage <= MAX_PER_PAGE)) problem(`must be an integer from 1 to ${MAX_PER_PAGE}`);
      else query.perPage = perPage;
    } else if (name === "nextPageToken") {
      if (values.length !== 1 || !/^[A-Za-z0-9_-]{1,64}$/.test(values[0]))
        problem("is not a token this repository returned");
      else query.nextPageToken = values[0];
    } else if (name === "orderBy") {
      if (values.length !== 1 || !/^[A-Za-z][\w.:/#-]{0,199}$/.test(values[0]))
        problem("must name one field: eventTime, recordTime or an extension field");
      else query.order = { by: values[0], direction: "DESC" };
    } else if (name === "orderDirection") {
      if (values.length !== 1 || !(ORDER_DIRECTIONS as readonly string[]).includes(values[0]))
        problem("must be ASC or DESC");
      else orderDirection = values[0] as OrderDirection;
    } else if (name === "eventCountLimit" || name === "maxEventCount") {
      const count = positiveInteger(values);
      if (!count) problem("must be a positive integer");
      else query[name] = count;
    } else {
      const family = eventFilterFor(name, items);
      if (!family) problem(NOT_A_PARAMETER);
      else if ("problem" in family) problem(family.problem);
      else query.filters.push(family.filter);
    }
  }
  if (query.order && orderDirection) query.order.direction = orderDirection;
  if (query.eventCountLimit && query.maxEventCount)
    for (const name of ["eventCountLimit", "maxEventCount"])
      problems.push({ field: `query.${name}`, message: "cannot be combined with the other (EPCIS 2.0)" });
  return problems.length ? { ok: false, problems } : { ok: true, query };
}

function positiveInteger(values: string[]): number | undefined {
  const number = values.length === 1 && /^\d{1,9}$/.test(values[0]) ? Number(values[0]) : 0;
  return number >= 1 ? number : undefined;
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
  return query.filters.every((filter) => filter(event));
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
