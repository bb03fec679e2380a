import type { z } from "zod";
import { CLIENT_EVENT_TYPES, cbvTermsFor, type EventType } from "../ledger";
import { newBatchInput, newEventInput } from "../batches";
import type { Cell, FileRow } from "./import-file";
import type { PlanStep } from "../ingest";

/**
 * The import column layout (docs/import-format.md) and how a row becomes a plan step. Rows are
 * validated with the REST API's own schemas (POST /api/batches, POST /api/batches/:id/events), so
 * an imported batch or event obeys exactly the rules of one posted by hand.
 */
export const IMPORT_COLUMNS: Record<string, string> = {
  type: `"batch", or an event type: ${CLIENT_EVENT_TYPES.join(", ")}`,
  lot: "the batch's lot (GS1 AI 10); an event row records on the batch with this lot",
  product: "product name (batch rows; event rows: optional, to choose between batches sharing a lot)",
  category: "product category such as tea, rice, honey (batch rows)",
  gtin: "GTIN-8/12/13/14 (optional; event rows: to choose between batches sharing a lot)",
  quantity: "harvested quantity (batch rows)",
  unit: "UN/CEFACT Rec 20 unit code such as KGM, LTR, H87 (batch rows)",
  place: "origin place (batch rows)",
  region_code: "GB/T 2260 region code of the origin, 6 digits (batch rows)",
  harvested_at: "harvest date YYYY-MM-DD (batch rows)",
  lat: "latitude: of the origin (batch rows) or of the event",
  lon: "longitude: of the origin (batch rows) or of the event",
  brand:
    "id of a registered regional brand; claims quota under the producer's licence (batch rows, optional)",
  eco_attributes: "JSON object of eco-attributes (batch rows, optional)",
  event_time: "ISO 8601 time with offset, e.g. 2026-04-13T08:00:00+08:00 (event rows; batch rows: optional)",
  utc_offset: "offset such as +08:00 for event_time cells typed as spreadsheet dates (optional)",
  biz_step: "CBV business step, default by type (optional)",
  disposition: "CBV disposition, default by type (optional)",
  location_name: "where the event happened (optional)",
  read_point: "read point URI, e.g. urn:epc:id:sgln:… (optional)",
  biz_location: "business location URI (optional)",
  note: "free text, stored as data.note (optional)",
  result_name: "inspection result name, e.g. moisture (optional)",
  result_value: "inspection result value (optional)",
  result_unit: "inspection result unit (optional)",
  result_pass: "yes / no (optional)",
  data: "JSON object of further event data (optional)",
};

export interface RowError {
  row: number;
  column?: string;
  code?: string;
  problem: string;
}

const BATCH_COLUMNS: Record<string, string> = {
  "product.name": "product",
  "product.category": "category",
  "product.gtin": "gtin",
  "origin.place": "place",
  "origin.regionCode": "region_code",
  "origin.harvestedAt": "harvested_at",
  "origin.location.lat": "lat",
  "origin.location.lon": "lon",
  "origin.location": "lat",
  "quantity.value": "quantity",
  "quantity.unit": "unit",
  ecoAttributes: "eco_attributes",
};
const EVENT_COLUMNS: Record<string, string> = {
  eventTime: "event_time",
  bizStep: "biz_step",
  "location.name": "location_name",
  "location.readPoint": "read_point",
  "location.bizLocation": "biz_location",
  "location.lat": "lat",
  "location.lon": "lon",
};

/** Problems with the header: unknown columns and missing required ones. */
export function headerErrors(columns: string[]): RowError[] {
  const errors: RowError[] = columns
    .filter((column) => !(column in IMPORT_COLUMNS))
    .map((column) => ({ row: 1, column, problem: "is not a known column (see docs/import-format.md)" }));
  for (const required of ["type", "lot"]) {
    if (!columns.includes(required)) errors.push({ row: 1, column: required, problem: "column is required" });
  }
  return errors;
}

/** One row as a plan step, or its problems. */
export function stepForRow(
  { row, cells }: FileRow,
  provenance: { file: string },
): { step: PlanStep } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const type = text(cells.type);
  const lot = text(cells.lot);
  if (!lot) errors.push({ row, column: "lot", problem: "is required" });
  const data = { import: { file: provenance.file, row } };
  if (type === "batch") {
    const eventTime = timeOf(cells, row, errors, false);
    const body = parsed(newBatchInput, batchBody(cells, row, errors), row, BATCH_COLUMNS, errors);
    if (!body || !lot || errors.length > 0) return { errors };
    return {
      step: {
        kind: "register",
        index: row,
        via: "commissioning",
        batch: { ...body, lot },
        ...(eventTime ? { eventTime } : {}),
        data,
      },
    };
  }
  if (!type || !(CLIENT_EVENT_TYPES as readonly string[]).includes(type)) {
    errors.push({ row, column: "type", problem: `must be batch or one of ${CLIENT_EVENT_TYPES.join(", ")}` });
    return { errors };
  }
  const eventTime = timeOf(cells, row, errors, true);
  const body = parsed(
    newEventInput,
    eventBody(type as EventType, eventTime, cells, row, errors),
    row,
    EVENT_COLUMNS,
    errors,
  );
  if (!body || !lot || errors.length > 0) return { errors };
  const gtin = text(cells.gtin);
  const product = text(cells.product);
  return {
    step: {
      kind: "append",
      index: row,
      ref: { kind: "lot", lot, ...(gtin ? { gtin } : {}), ...(product ? { product } : {}) },
      facts: {
        type: body.type,
        eventTime: body.eventTime,
        ...cbvTermsFor(body.type, body, body.data),
        ...(body.location ? { location: body.location } : {}),
        data: { ...body.data, ...data },
      },
    },
  };
}

function batchBody(cells: Record<string, Cell>, row: number, errors: RowError[]) {
  const lat = number(cells.lat);
  const lon = number(cells.lon);
  const ecoAttributes = json(cells.eco_attributes, "eco_attributes", row, errors);
  return {
    product: {
      name: text(cells.product),
      category: text(cells.category),
      ...optional("gtin", text(cells.gtin)),
    },
    ...optional("lot", text(cells.lot)),
    origin: {
      place: text(cells.place),
      regionCode: text(cells.region_code),
      ...(lat !== undefined || lon !== undefined ? { location: { lat, lon } } : {}),
      harvestedAt: dateOf(cells.harvested_at),
    },
    quantity: { value: number(cells.quantity), unit: text(cells.unit) },
    ...optional("brand", text(cells.brand)),
    ...optional("ecoAttributes", ecoAttributes),
  };
}

function eventBody(
  type: EventType,
  eventTime: string | undefined,
  cells: Record<string, Cell>,
  row: number,
  errors: RowError[],
) {
  const location = {
    ...optional("name", text(cells.location_name)),
    ...optional("lat", number(cells.lat)),
    ...optional("lon", number(cells.lon)),
    ...optional("readPoint", text(cells.read_point)),
    ...optional("bizLocation", text(cells.biz_location)),
  };
  const extra = json(cells.data, "data", row, errors) ?? {};
  const result = text(cells.result_name)
    ? {
        results: [
          {
            name: text(cells.result_name),
            ...optional("value", number(cells.result_value) ?? text(cells.result_value)),
            ...optional("unit", text(cells.result_unit)),
            ...optional("pass", passOf(cells.result_pass)),
          },
        ],
      }
    : {};
  const data = { ...extra, ...optional("note", text(cells.note)), ...result };
  return {
    type,
    eventTime,
    ...optional("bizStep", text(cells.biz_step)),
    ...optional("disposition", text(cells.disposition)),
    ...(Object.keys(location).length > 0 ? { location } : {}),
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
}

/** event_time as ISO 8601 text, or a spreadsheet date cell (wall-clock time) plus utc_offset. */
function timeOf(
  cells: Record<string, Cell>,
  row: number,
  errors: RowError[],
  required: boolean,
): string | undefined {
  const value = cells.event_time;
  if (value === null || value === undefined) {
    if (required) errors.push({ row, column: "event_time", problem: "is required" });
    return undefined;
  }
  if (!(value instanceof Date)) return String(value);
  const offset = text(cells.utc_offset);
  if (!offset || !/^[+-]\d{2}:\d{2}$/.test(offset)) {
    errors.push({
      row,
      column: "event_time",
      problem:
        "is a spreadsheet date without a time zone: add utc_offset (e.g. +08:00) or type the time as text with its offset",
    });
    return undefined;
  }
  return `${value.toISOString().slice(0, 19)}${offset}`;
}

function dateOf(value: Cell): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return text(value);
}

function passOf(value: Cell): boolean | undefined {
  if (typeof value === "boolean") return value;
  const word = text(value)?.toLowerCase();
  if (word === undefined) return undefined;
  return ["yes", "y", "true", "pass", "passed", "1", "是", "合格"].includes(word);
}

function text(value: Cell | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function number(value: Cell | undefined): number | undefined {
  if (typeof value === "number") return value;
  const written = text(value);
  if (written === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(written) ? Number(written) : (written as unknown as number);
}

function json(value: Cell | undefined, column: string, row: number, errors: RowError[]) {
  const written = text(value);
  if (written === undefined) return undefined;
  try {
    const parsedValue = JSON.parse(written) as unknown;
    if (parsedValue !== null && typeof parsedValue === "object" && !Array.isArray(parsedValue)) {
      return parsedValue as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  errors.push({ row, column, problem: 'must be a JSON object such as {"key": "value"}' });
  return undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function parsed<T>(
  schema: z.ZodType<T>,
  value: unknown,
  row: number,
  columns: Record<string, string>,
  errors: RowError[],
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    const key = path.join(".");
    const column =
      columns[key] ?? columns[path.slice(0, 2).join(".")] ?? (path[0] === "product" ? "product" : path[0]);
    const problem =
      issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
    const named = column === "data" && path.length > 1 ? `data (${path.slice(1).join(".")})` : column;
    // A cell already reported (an unreadable date, malformed JSON) is not reported again as missing.
    if (!errors.some((error) => error.row === row && error.column === named))
      errors.push({ row, column: named, problem });
  }
  return undefined;
}
