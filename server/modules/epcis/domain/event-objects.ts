import {
  isIdentifierProblem,
  parseBatchIdentifier,
  parseInstanceIdentifier,
  type BatchRef,
} from "./identifiers";
import type { EpcisEvent } from "./to-epcis";

/**
 * What an EPCIS event names (decision 0031): class-level lots in its quantity lists and instances
 * in its EPC lists, and whether all of them are one batch — a lot, items of it by Digital Link
 * with lot and serial, or items whose serial the serial registry places in one lot. Pure.
 */
export const QUANTITY_LISTS: Record<string, string[]> = {
  ObjectEvent: ["quantityList"],
  AggregationEvent: ["childQuantityList"],
  TransactionEvent: ["quantityList"],
  TransformationEvent: ["inputQuantityList", "outputQuantityList"],
};
const INSTANCE_LISTS = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"];

export interface QuantityRef {
  list: string;
  ref: BatchRef;
  quantity?: { value: number; unit: string };
}

/** The one batch every object of the event belongs to (its quantity elements, its items' serials). */
export interface BatchTarget {
  ref: BatchRef;
  quantities: QuantityRef[];
  serials: string[];
}

export function batchNamed(
  type: string,
  event: EpcisEvent,
  options: { base: string; lotOfSerial(gtin: string, serial: string): string | undefined },
): BatchTarget | { why: "not_a_batch" | "no_object" | "several_batches" } {
  const notABatch = { why: "not_a_batch" as const };
  const refs: BatchRef[] = [];
  const quantities: QuantityRef[] = [];
  for (const list of QUANTITY_LISTS[type]) {
    const elements = Array.isArray(event[list]) ? (event[list] as Record<string, unknown>[]) : [];
    for (const element of elements) {
      const parsed = parseBatchIdentifier(String(element.epcClass), options.base);
      if (isIdentifierProblem(parsed)) return notABatch;
      const { quantity, uom } = element;
      refs.push(parsed);
      quantities.push({
        list,
        ref: parsed,
        ...(typeof quantity === "number" && typeof uom === "string"
          ? { quantity: { value: quantity, unit: uom } }
          : {}),
      });
    }
  }
  const serials: string[] = [];
  for (const uri of instanceIdentifiersOf(event)) {
    const item = parseInstanceIdentifier(uri);
    const lot = item.kind === "item" ? (item.lot ?? options.lotOfSerial(item.gtin, item.serial)) : undefined;
    if (item.kind === "other" || lot === undefined) return notABatch;
    refs.push({ kind: "lot", gtin: item.gtin, lot });
    serials.push(item.serial);
  }
  const distinct = new Set(refs.map((ref) => (ref.kind === "lot" ? `${ref.gtin}/${ref.lot}` : ref.id)));
  if (distinct.size !== 1) return { why: distinct.size === 0 ? "no_object" : "several_batches" };
  return { ref: refs[0], quantities, serials };
}

/**
 * The instance-level objects the event is about (its EPC lists). A `parentID` is not one of them:
 * it is the container the objects are packed in or travel in (an SSCC, a returnable asset), which
 * the batch's event keeps, as packing into a container always did (decision 0006).
 */
export function instanceIdentifiersOf(event: EpcisEvent): string[] {
  return INSTANCE_LISTS.flatMap((list) => strings(event[list]));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
