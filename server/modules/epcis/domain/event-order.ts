import type { EpcisEvent } from "./to-epcis";

export type OrderDirection = "ASC" | "DESC";

/**
 * `orderBy` (EPCIS 2.0 §8.2.7.1): `eventTime`, `recordTime` or the name of a top-level field whose
 * values are numbers, date-times or strings; `orderDirection` ASC or DESC (the standard's default).
 * Events without a value for the field come last in either direction; ties keep capture order.
 */
export function compareEventsBy(field: string, direction: OrderDirection) {
  const sign = direction === "ASC" ? 1 : -1;
  return (a: EpcisEvent, b: EpcisEvent): number => {
    const left = sortKey(a[field]);
    const right = sortKey(b[field]);
    if (left === undefined || right === undefined) return left === right ? 0 : left === undefined ? 1 : -1;
    if (typeof left !== typeof right) return typeof left === "number" ? -sign : sign;
    return left < right ? -sign : left > right ? sign : 0;
  };
}

function sortKey(value: unknown): number | string | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
  }
  return value;
}
