import { isEpcisUri } from "./json-schema";
import { ECOTRACE_VOCAB } from "./vocabulary";

/** Small EPCIS field builders shared by the export mapping. Pure. */

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The event time as RFC 3339 (what the schema's date-time needs); our stored times already are. */
export function rfc3339(time: string): string {
  return RFC3339.test(time) ? time : new Date(time).toISOString();
}

/** `eventTimeZoneOffset` from the offset the event time was recorded with (Z → +00:00). */
export function timeZoneOffsetOf(time: string): string {
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(time);
  return match ? `${match[1]}${match[2]}:${match[3]}` : "+00:00";
}

export interface QuantityElement {
  epcClass: string;
  quantity?: number;
  uom?: string;
}

/** A quantity element; `quantity` only when the value is a plain (not sealed) number and unit. */
export function quantityElement(epcClass: string, quantity?: unknown): QuantityElement {
  const { value, unit } = (quantity ?? {}) as { value?: unknown; unit?: unknown };
  if (
    typeof value === "number" &&
    Number.isFinite(value) &&
    typeof unit === "string" &&
    /^[A-Z0-9]{2,3}$/.test(unit)
  ) {
    return { epcClass, quantity: value, uom: unit };
  }
  return { epcClass };
}

/**
 * readPoint / bizLocation from an event location: URIs as given; otherwise coordinates become a
 * `geo:` URI (RFC 5870), which CBV 2.0 accepts for locations.
 */
export function whereOf(location: unknown): { readPoint?: { id: string }; bizLocation?: { id: string } } {
  if (location === null || typeof location !== "object") return {};
  const { readPoint, bizLocation, lat, lon } = location as Record<string, unknown>;
  const point = isEpcisUri(readPoint) ? readPoint : geoUri(lat, lon);
  return {
    ...(point ? { readPoint: { id: point } } : {}),
    ...(isEpcisUri(bizLocation) ? { bizLocation: { id: bizLocation } } : {}),
  };
}

export function geoUri(lat: unknown, lon: unknown): string | undefined {
  return typeof lat === "number" && typeof lon === "number" ? `geo:${lat},${lon}` : undefined;
}

/** The EPCIS 2.0 measurement types (sensorReport.type) that lab results most often name. */
const MEASUREMENT_TYPES = [
  "AbsoluteHumidity",
  "Count",
  "Density",
  "Length",
  "Mass",
  "MassConcentration",
  "Pressure",
  "RelativeHumidity",
  "Temperature",
  "Time",
  "Volume",
  "VolumeFraction",
];

/**
 * Inspection results (`data.results: [{ name, value, unit?, pass? }]`, the convention of the
 * inspecting event) as one EPCIS sensor element: EPCIS 2.0 sensor reports carry lab measurements
 * too (they have `chemicalSubstance` and `microorganism` fields for that). A result name that is an
 * EPCIS measurement type is used as such; others become a URI under EcoTrace's vocabulary.
 */
export function sensorElementsOf(data: Record<string, unknown>): Record<string, unknown>[] | undefined {
  if (!Array.isArray(data.results)) return undefined;
  const reports = data.results.flatMap((result) => {
    if (result === null || typeof result !== "object") return [];
    const { name, value, unit } = result as Record<string, unknown>;
    if (typeof name !== "string" || name.trim() === "") return [];
    const reading =
      typeof value === "number"
        ? { value }
        : typeof value === "string"
          ? { stringValue: value }
          : typeof value === "boolean"
            ? { booleanValue: value }
            : undefined;
    if (!reading) return [];
    const uom = typeof unit === "string" && /^[A-Z0-9]{2,3}$/.test(unit) ? { uom: unit } : {};
    return [{ type: measurementType(name), ...reading, ...(typeof value === "number" ? uom : {}) }];
  });
  return reports.length > 0 ? [{ sensorReport: reports }] : undefined;
}

function measurementType(name: string): string {
  const compact = name.replace(/[\s_-]/g, "").toLowerCase();
  return (
    MEASUREMENT_TYPES.find((type) => type.toLowerCase() === compact) ??
    `${ECOTRACE_VOCAB}measurement-${encodeURIComponent(name.trim())}`
  );
}
