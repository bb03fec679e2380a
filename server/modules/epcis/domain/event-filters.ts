import type { EpcisEvent } from "./to-epcis";

/**
 * The families of EPCIS 2.0 simple event query parameters that test fields of an event (EPCIS 2.0
 * §8.2.7.1): quantities, sensor data, error declarations, persistent dispositions, business
 * transactions, sources and destinations, extension and ILMD fields, master data attributes.
 * Each parameter becomes a predicate over the event's EPCIS 2.0 JSON, read by field name, so an
 * event of any stored kind is tested the same way once it is exported as EPCIS JSON.
 */
export type EventFilter = (event: EpcisEvent) => boolean;
export type FilterOrProblem = { filter: EventFilter } | { problem: string };

type Comparison = "EQ" | "GT" | "GE" | "LT" | "LE";
type Node = Record<string, unknown>;

/** The filter a parameter name stands for, a problem with its value, or null: not a field parameter. */
export function eventFilterFor(name: string, values: string[]): FilterOrProblem | null {
  for (const [pattern, build] of FAMILIES) {
    const match = pattern.exec(name);
    if (match) return build(match, values);
  }
  return null;
}

/** Top-level EPCIS event fields EXISTS_ may name besides extension fields (`EXISTS_errorDeclaration`). */
const STANDARD_FIELDS = new Set([
  "eventID",
  "parentID",
  "epcList",
  "childEPCs",
  "inputEPCList",
  "outputEPCList",
  "quantityList",
  "childQuantityList",
  "inputQuantityList",
  "outputQuantityList",
  "action",
  "bizStep",
  "disposition",
  "persistentDisposition",
  "readPoint",
  "bizLocation",
  "bizTransactionList",
  "sourceList",
  "destinationList",
  "sensorElementList",
  "ilmd",
  "transformationID",
  "errorDeclaration",
  "certificationInfo",
]);

/** A sensor's standard fields, as query parameters name them, and where each may sit. */
const SENSOR_LISTS: Record<string, { key: string; in: ("metadata" | "report")[]; cbv?: boolean }> = {
  EQ_type: { key: "type", in: ["report"], cbv: true },
  EQ_deviceID: { key: "deviceID", in: ["metadata", "report"] },
  EQ_deviceMetadata: { key: "deviceMetadata", in: ["metadata", "report"] },
  EQ_rawData: { key: "rawData", in: ["metadata", "report"] },
  EQ_dataProcessingMethod: { key: "dataProcessingMethod", in: ["metadata", "report"] },
  EQ_bizRules: { key: "bizRules", in: ["metadata"] },
  EQ_microorganism: { key: "microorganism", in: ["report"] },
  EQ_chemicalSubstance: { key: "chemicalSubstance", in: ["report"] },
  EQ_stringValue: { key: "stringValue", in: ["report"] },
  EQ_hexBinaryValue: { key: "hexBinaryValue", in: ["report"] },
  EQ_uriValue: { key: "uriValue", in: ["report"] },
};

const FAMILIES: [RegExp, (match: RegExpExecArray, values: string[]) => FilterOrProblem][] = [
  [
    /^EQ_persistentDisposition_(set|unset)$/,
    ([, which], values) =>
      listFilter(values, (event) => listOf(node(event.persistentDisposition)?.[which]), sameCbvTerm),
  ],
  [
    /^EQ_(bizTransaction|source|destination)_(.+)$/,
    ([, kind, type], values) =>
      listFilter(
        values,
        (event) =>
          nodes(event[`${kind}List`])
            .filter((element) => typeof element.type === "string" && sameCbvTerm(type, element.type))
            .map((element) => element[kind]),
        (a, b) => a === b,
      ),
  ],
  [
    /^(EQ|GT|GE|LT|LE)_quantity(?:_([A-Za-z0-9]{2,3}))?$/,
    ([, comparison, uom], values) =>
      numberFilter(comparison as Comparison, values, (event) =>
        QUANTITY_LISTS.flatMap((list) => nodes(event[list]))
          .filter((element) => uom === undefined || element.uom === uom)
          .map((element) => element.quantity),
      ),
  ],
  [
    /^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue)_([A-Za-z0-9]{2,3})$/,
    ([, comparison, field, uom], values) =>
      numberFilter(comparison as Comparison, values, (event) =>
        sensorReports(event)
          .filter((report) => report.uom === uom)
          .map((report) => report[field]),
      ),
  ],
  [
    /^(GE|LT)_percRank$/,
    ([, comparison], values) =>
      numberFilter(comparison as Comparison, values, (event) =>
        sensorReports(event).map((report) => report.percRank),
      ),
  ],
  [
    /^(GE|LT)_(time|startTime|endTime)$/,
    ([, comparison, field], values) =>
      timeFilter(comparison as Comparison, values, (event) => [
        ...sensorMetadata(event).map((metadata) => metadata[field]),
        ...(field === "time" ? sensorReports(event).map((report) => report.time) : []),
      ]),
  ],
  [
    /^EQ_booleanValue$/,
    (_match, values) =>
      values.length === 1 && ["true", "false"].includes(values[0])
        ? {
            filter: (event) =>
              sensorReports(event).some((report) => report.booleanValue === (values[0] === "true")),
          }
        : { problem: "must be true or false" },
  ],
  [
    /^EQ_(type|deviceID|deviceMetadata|rawData|dataProcessingMethod|bizRules|microorganism|chemicalSubstance|stringValue|hexBinaryValue|uriValue)$/,
    ([name], values) => {
      const sensor = SENSOR_LISTS[name];
      return listFilter(
        values,
        (event) => [
          ...(sensor.in.includes("metadata") ? sensorMetadata(event).map((item) => item[sensor.key]) : []),
          ...(sensor.in.includes("report") ? sensorReports(event).map((item) => item[sensor.key]) : []),
        ],
        sensor.cbv ? sameSensorType : (a, b) => a === b,
      );
    },
  ],
  [
    /^(GE|LT)_errorDeclarationTime$/,
    ([, comparison], values) =>
      timeFilter(comparison as Comparison, values, (event) => [
        node(event.errorDeclaration)?.declarationTime,
      ]),
  ],
  [
    /^EQ_errorReason$/,
    (_match, values) => listFilter(values, (event) => [node(event.errorDeclaration)?.reason], sameCbvTerm),
  ],
  [
    /^EQ_correctiveEventID$/,
    (_match, values) =>
      listFilter(
        values,
        (event) => listOf(node(event.errorDeclaration)?.correctiveEventIDs),
        (a, b) => a === b,
      ),
  ],
  // Master data attributes of the vocabulary element a field names. No master data vocabulary is
  // kept here (no location hierarchy, no attributes of read points, locations or identifiers), so
  // no element has an attribute and these select no event; they are accepted, being standard.
  [/^HASATTR_(.+)$/, ([, field]) => masterDataFilter(field)],
  [/^EQATTR_([^_]+)_(.+)$/, ([, field]) => masterDataFilter(field)],
  [
    /^(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?(ILMD_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_)?(.+)$/,
    ([, comparison, inner, scope, field], values) => {
      const topLevelStandard = comparison === "EXISTS" && !inner && !scope && STANDARD_FIELDS.has(field);
      // Nested fields may be unprefixed (compacted JSON-LD); top-level ones are the standard's or prefixed.
      if (!inner && !topLevelStandard && !isExtensionName(field)) return { problem: NOT_A_PARAMETER };
      const read = (event: EpcisEvent) =>
        scopesOf(event, scope).flatMap((item) => (inner ? nestedValues(item, field) : listOf(item[field])));
      if (comparison === "EXISTS") return { filter: (event) => read(event).length > 0 };
      if (comparison === "EQ") return listFilter(values, read, (wanted, actual) => wanted === actual);
      return orderedFilter(comparison as Comparison, values, read);
    },
  ],
];

export const NOT_A_PARAMETER = "is not an EPCIS 2.0 simple event query parameter";

const QUANTITY_LISTS = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"];

function masterDataFilter(field: string): FilterOrProblem {
  if (!STANDARD_FIELDS.has(field) && !isExtensionName(field)) return { problem: NOT_A_PARAMETER };
  return { filter: () => false };
}

/** An extension field's name as EPCIS JSON-LD writes it: a prefixed name (`example:myField`) or an IRI. */
function isExtensionName(field: string): boolean {
  return /^[A-Za-z][\w.-]*:[^\s]+$/.test(field);
}

function listFilter(
  wanted: string[],
  read: (event: EpcisEvent) => unknown[],
  same: (wanted: string, actual: string) => boolean,
): FilterOrProblem {
  if (wanted.length === 0) return { problem: "needs at least one value" };
  return {
    filter: (event) =>
      read(event)
        .map(scalarText)
        .some((actual) => actual !== undefined && wanted.some((item) => same(item, actual))),
  };
}

function numberFilter(
  comparison: Comparison,
  values: string[],
  read: (event: EpcisEvent) => unknown[],
): FilterOrProblem {
  const operands = values.map(Number);
  if (values.length === 0 || values.some((value) => !NUMBER.test(value)))
    return { problem: "must be a number" };
  if (comparison !== "EQ" && values.length !== 1) return { problem: "must be one number" };
  return {
    filter: (event) =>
      read(event).some((actual) => {
        const number = numericOf(actual);
        return number !== undefined && operands.some((operand) => compare(comparison, number, operand));
      }),
  };
}

function timeFilter(
  comparison: Comparison,
  values: string[],
  read: (event: EpcisEvent) => unknown[],
): FilterOrProblem {
  const operand = values.length === 1 ? parseTime(values[0]) : null;
  if (!operand) return { problem: "must be one ISO 8601 date-time with a time zone offset" };
  return {
    filter: (event) =>
      read(event).some((actual) => {
        const time = typeof actual === "string" ? Date.parse(actual) : NaN;
        return !Number.isNaN(time) && compare(comparison, time, operand.getTime());
      }),
  };
}

/** GT_/GE_/LT_/LE_ on a field: a number against numbers, a date-time against date-times. */
function orderedFilter(
  comparison: Comparison,
  values: string[],
  read: (event: EpcisEvent) => unknown[],
): FilterOrProblem {
  if (values.length === 1 && NUMBER.test(values[0])) return numberFilter(comparison, values, read);
  if (values.length === 1 && parseTime(values[0])) return timeFilter(comparison, values, read);
  return { problem: "must be one number or one ISO 8601 date-time with a time zone offset" };
}

function compare(comparison: Comparison, actual: number, operand: number): boolean {
  switch (comparison) {
    case "EQ":
      return actual === operand;
    case "GT":
      return actual > operand;
    case "GE":
      return actual >= operand;
    case "LT":
      return actual < operand;
    case "LE":
      return actual <= operand;
  }
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function numericOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && NUMBER.test(value)) return Number(value);
  return undefined;
}

/** A field's value as text for EQ_: strings, numbers, booleans, JSON-LD `{"@value": …}`. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const literal = node(value)?.["@value"];
  return literal === undefined ? undefined : scalarText(literal);
}

/** The objects a field parameter's scope names: the event, its ILMD, its sensor parts. */
function scopesOf(event: EpcisEvent, scope: string | undefined): Node[] {
  switch (scope) {
    case "ILMD_":
      return nodes(event.ilmd);
    case "SENSORELEMENT_":
      return nodes(event.sensorElementList);
    case "SENSORMETADATA_":
      return sensorMetadata(event);
    case "SENSORREPORT_":
      return sensorReports(event);
    default:
      return [event];
  }
}

/**
 * INNER_: the values of `field` nested at any depth inside the extension fields of `scope` (not
 * its own direct field).
 */
function nestedValues(scope: Node, field: string): unknown[] {
  const found: unknown[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    const object = node(value);
    if (!object) return;
    for (const [key, child] of Object.entries(object)) {
      if (key === field) found.push(...listOf(child));
      visit(child);
    }
  };
  for (const [key, value] of Object.entries(scope)) if (isExtensionName(key)) visit(value);
  return found;
}

function sensorMetadata(event: EpcisEvent): Node[] {
  return nodes(event.sensorElementList).flatMap((element) => nodes(element.sensorMetadata));
}

function sensorReports(event: EpcisEvent): Node[] {
  return nodes(event.sensorElementList).flatMap((element) => nodes(element.sensorReport));
}

function node(value: unknown): Node | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Node) : undefined;
}

function nodes(value: unknown): Node[] {
  return listOf(value).flatMap((item) => {
    const object = node(item);
    return object ? [object] : [];
  });
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * CBV terms in any of their forms: the bare term (`po`), the URN (`urn:epcglobal:cbv:btt:po`) or
 * the Web URI (`https://ref.gs1.org/cbv/BTT-po`); other URIs compare as written.
 */
export function sameCbvTerm(a: string, b: string): boolean {
  return cbvTermOf(a) === cbvTermOf(b);
}

function cbvTermOf(value: string): string {
  return (
    /^urn:epcglobal:cbv:[a-z]+:(.+)$/.exec(value)?.[1] ??
    /^https:\/\/(?:ref\.)?gs1\.org\/(?:cbv|voc)\/[A-Za-z]+-(.+)$/.exec(value)?.[1] ??
    value
  );
}

/** Sensor measurement types: `Temperature`, `gs1:Temperature` or `https://gs1.org/voc/Temperature`. */
function sameSensorType(a: string, b: string): boolean {
  const bare = (value: string) => value.replace(/^(gs1:|https:\/\/gs1\.org\/voc\/)/, "");
  return bare(a) === bare(b);
}

export function parseTime(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time;
}
