import { isSealedMarker } from "../../ledger";
import type { BundleEvent } from "../../verification";
import { HIDDEN, type Shown } from "../../../platform/web/shown";

/**
 * The journey of the consumer page: every event of the batch and of the batches it was made from,
 * in the order they happened, each with what a consumer can read of it (sealed values as hidden).
 */
export interface JourneyEntry {
  eventId: string;
  batchId: string;
  batchLabel: string;
  fromInput: boolean;
  seq: number;
  type: string;
  eventTime: string;
  actor: { id: string; name: string };
  disposition: string | null;
  /**
   * `data.kind` of an event that derives batches: a commissioning event of a transformation's
   * output or of a split-off batch, or the transforming event of an input or of the split batch.
   */
  derivation: Derivation | null;
  /** A derived batch's commissioning event: labels of the batches it was made or split from. */
  derivedFrom: string[];
  location: {
    name: Shown<string> | null;
    regionCode: Shown<string> | null;
    lat: Shown<number> | null;
    lon: Shown<number> | null;
  } | null;
  results: { name: string; value: Shown<unknown>; unit: string | null; pass: boolean | null }[];
  details: { key: string; value: Shown<string> }[];
  anchored: boolean;
}

export type Derivation = "transformation" | "split";

export interface JourneySources {
  subjectId: string;
  /** Batch id → its label (product and lot), for every batch of the bundle. */
  labels: Map<string, string>;
  /** Organization id → name. */
  names: Map<string, string>;
  /** Batch id → ids of the batches it was made or split from. */
  inputsOf: Map<string, string[]>;
}

/** Data keys shown elsewhere on the page, or internal references of no use to a consumer. */
const SKIPPED_KEYS = new Set([
  "results",
  "origin",
  "inputs",
  "outputs",
  "transferId",
  "transformationId",
  "certificationId",
  "certHash",
  "domain",
  "message",
  "signature",
  "certifier",
  "via",
  "product",
  "lot",
  "brand",
  "brandId",
  "licenceId",
]);
export const ORG_KEYS = new Set(["to", "from"]);
const DERIVING_TYPES = new Set(["commissioning", "transforming"]);

/**
 * Entries by `eventTime`. Events at the same instant (a transformation consumes its inputs and
 * commissions its outputs at one eventTime, a split likewise) go upstream first, so processing
 * reads before its output; then by `seq` within a batch.
 */
export function buildJourney(events: BundleEvent[], sources: JourneySources): JourneyEntry[] {
  const depth = lineageDepths(sources.inputsOf);
  const depthOf = (batchId: string) => depth.get(batchId) ?? 0;
  return events
    .map((event) => journeyEntry(event, sources))
    .sort(
      (a, b) =>
        Date.parse(a.eventTime) - Date.parse(b.eventTime) ||
        depthOf(a.batchId) - depthOf(b.batchId) ||
        a.seq - b.seq,
    );
}

function journeyEntry(event: BundleEvent, sources: JourneySources): JourneyEntry {
  const body = event.body;
  const data = (body.data ?? {}) as Record<string, unknown>;
  const location = body.location as Record<string, unknown> | undefined;
  const actor = String(body.actor);
  const derivation = derivationOf(String(body.type), data.kind);
  const shown = <T>(value: unknown, is: (value: unknown) => value is T): Shown<T> | null =>
    isSealedMarker(value) ? HIDDEN : is(value) ? value : null;
  // The entry's label says what `kind` says: it is not repeated among the details.
  const detailData = derivation ? omit(data, "kind") : data;
  return {
    eventId: event.eventId,
    batchId: String(body.batchId),
    batchLabel: sources.labels.get(String(body.batchId)) ?? "",
    fromInput: body.batchId !== sources.subjectId,
    seq: Number(body.seq),
    type: String(body.type),
    eventTime: String(body.eventTime),
    actor: { id: actor, name: sources.names.get(actor) ?? actor },
    disposition: typeof body.disposition === "string" ? body.disposition.split(":").pop()! : null,
    derivation,
    derivedFrom:
      derivation && body.type === "commissioning"
        ? inputIds(data.inputs).map((id) => sources.labels.get(id) ?? id)
        : [],
    location: isSealedMarker(location)
      ? { name: HIDDEN, regionCode: HIDDEN, lat: HIDDEN, lon: HIDDEN }
      : location
        ? {
            name: shown(location.name, isString),
            regionCode: shown(location.regionCode, isString),
            lat: shown(location.lat, isNumber),
            lon: shown(location.lon, isNumber),
          }
        : null,
    results: resultsOf(data.results),
    details: detailsOf(
      body.type === "certifying" ? pick(data, ["scheme", "certificateNumber"]) : detailData,
      sources.names,
    ),
    anchored: event.anchor !== null,
  };
}

function derivationOf(type: string, kind: unknown): Derivation | null {
  return DERIVING_TYPES.has(type) && (kind === "transformation" || kind === "split") ? kind : null;
}

function inputIds(inputs: unknown): string[] {
  if (!Array.isArray(inputs)) return [];
  return inputs.flatMap((input) => {
    const id = (input as { batchId?: unknown } | null)?.batchId;
    return typeof id === "string" ? [id] : [];
  });
}

/** How many derivations lie between a batch and the batches of the bundle that have no inputs. */
function lineageDepths(inputsOf: Map<string, string[]>): Map<string, number> {
  const depths = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string>): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const parents = (inputsOf.get(id) ?? []).filter((parent) => inputsOf.has(parent));
    const depth = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => depthOf(parent, seen)));
    depths.set(id, depth);
    return depth;
  };
  for (const id of inputsOf.keys()) depthOf(id, new Set());
  return depths;
}

function resultsOf(results: unknown): JourneyEntry["results"] {
  if (isSealedMarker(results)) return [{ name: "results", value: HIDDEN, unit: null, pass: null }];
  if (!Array.isArray(results)) return [];
  return results.map((result) => {
    const item = (result ?? {}) as Record<string, unknown>;
    return {
      name: typeof item.name === "string" ? item.name : typeof item.test === "string" ? item.test : "?",
      value: isSealedMarker(item.value) ? HIDDEN : (item.value ?? null),
      unit: typeof item.unit === "string" ? item.unit : null,
      pass: typeof item.pass === "boolean" ? item.pass : null,
    };
  });
}

function detailsOf(data: Record<string, unknown>, names: Map<string, string>): JourneyEntry["details"] {
  return Object.entries(data)
    .filter(([key]) => !SKIPPED_KEYS.has(key))
    .map(([key, value]) => ({
      key,
      value: isSealedMarker(value)
        ? HIDDEN
        : ORG_KEYS.has(key) && typeof value === "string"
          ? (names.get(value) ?? value)
          : describe(value),
    }));
}

/** A short, readable form of a data value (quantities as "500 KGM"). */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (
    value !== null &&
    typeof value === "object" &&
    "value" in value &&
    "unit" in value &&
    Object.keys(value).length === 2
  ) {
    return `${String((value as { value: unknown }).value)} ${String((value as { unit: unknown }).unit)}`;
  }
  const text = JSON.stringify(value, (_key, item) => (isSealedMarker(item) ? "(hidden)" : item));
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function pick(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in data).map((key) => [key, data[key]]));
}

function omit(data: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([name]) => name !== key));
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isNumber(value: unknown): value is number {
  return typeof value === "number";
}
