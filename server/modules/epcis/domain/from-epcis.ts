import { CLIENT_EVENT_TYPES, type EventType } from "../../ledger";
import {
  instanceIdentifierProblem,
  isIdentifierProblem,
  parseBatchIdentifier,
  type BatchRef,
  type IdentifierProblem,
} from "./identifiers";
import { contextForForeignPrefixes, type PrefixMap } from "./json-ld-context";
import { RECORD_KEEPING_FIELDS, type EpcisEvent } from "./to-epcis";
import { cbvTermOf, fromEpcisBizStep, fromEpcisDisposition } from "./vocabulary";

/**
 * EPCIS 2.0 event → what EcoTrace would record for it (decision 0006), or every reason it cannot.
 * Pure: batch lookups, permissions and mass balance are checked by the capture use-case.
 *
 * - ObjectEvent ADD with bizStep commissioning registers a batch (ilmd `ecotrace:batch`).
 * - TransformationEvent with one output registers a batch made from the inputs that share its
 *   transformationID; with one input it consumes that input's quantity.
 * - Every other ObjectEvent, AggregationEvent and TransactionEvent is an event on one batch; its
 *   type is `ecotrace:type` when that is a type clients may record, else derived from the CBV
 *   business step (DELETE → destroying, disposition recalled → recalling, …).
 */
export interface Reason {
  code: string;
  message: string;
}

interface IntentBase {
  ref: BatchRef;
  eventID?: string;
  eventTime: string;
  bizStep: string;
  disposition?: string;
  transformationID?: string;
  /** `ecotrace:data` and `ecotrace:location` as sent; validated by the caller. */
  data?: unknown;
  location?: unknown;
  readPoint?: string;
  bizLocation?: string;
  /** The event as it will be stored and exported again (record-keeping fields removed). */
  preserved: EpcisEvent;
  /** Where in `preserved` the batch identifier sits, to be replaced by our canonical one. */
  identityList: string;
}

export type CaptureIntent =
  | (IntentBase & {
      kind: "register";
      via: "commissioning" | "transformation-output";
      quantity: { value: number; unit: string };
      master: unknown;
    })
  | (IntentBase & { kind: "append"; type: EventType; consume?: { value: number; unit: string } });

const QUANTITY_LISTS: Record<string, string[]> = {
  ObjectEvent: ["quantityList"],
  AggregationEvent: ["childQuantityList"],
  TransactionEvent: ["quantityList"],
  TransformationEvent: ["inputQuantityList", "outputQuantityList"],
};
const INSTANCE_LISTS = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"];

/** bizStep → the type an event on a batch gets when it does not name one of ours. */
const TYPE_BY_BIZ_STEP: Record<string, EventType> = {
  inspecting: "inspecting",
  storing: "storing",
  packing: "packing",
  shipping: "shipping",
  receiving: "receiving",
  retail_selling: "selling",
  destroying: "destroying",
};

export function interpretEpcisEvent(
  event: EpcisEvent,
  options: { base: string; prefixes: PrefixMap },
): { intent: CaptureIntent } | { reasons: Reason[] } {
  const reasons: Reason[] = [];
  const type = String(event.type);
  if (!(type in QUANTITY_LISTS)) {
    return {
      reasons: [
        type === "AssociationEvent"
          ? reason(
              "UNSUPPORTED_EVENT_TYPE",
              "AssociationEvent (assets or sensors attached to objects) has no EcoTrace record",
            )
          : reason("UNSUPPORTED_EVENT_TYPE", `the extension event type ${type} is not supported`),
      ],
    };
  }
  if (event.errorDeclaration !== undefined) {
    reasons.push(
      reason(
        "ERROR_DECLARATION",
        "errorDeclaration retracts an event, but EcoTrace events are immutable: record a correcting event instead",
      ),
    );
  }
  if (typeof event.bizStep !== "string") {
    reasons.push(
      reason("MISSING_BIZSTEP", "bizStep is required: EcoTrace records every event with a CBV business step"),
    );
  }
  for (const list of INSTANCE_LISTS) reasons.push(...instanceProblems(list, event[list]));
  const refs = quantityRefs(type, event, options.base, reasons);
  for (const key of ["ecotrace:data", "ecotrace:location"]) {
    const value = event[key];
    if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
      reasons.push(reason("INVALID_ECOTRACE_FIELD", `${key} must be a JSON object`));
    }
  }
  const shape = shapeOf(type, event, refs, reasons);
  if (reasons.length > 0 || !shape) return { reasons };
  return { intent: buildIntent(event, shape, options.prefixes) };
}

interface QuantityRef {
  list: string;
  ref: BatchRef;
  quantity?: { value: number; unit: string };
}

function quantityRefs(type: string, event: EpcisEvent, base: string, reasons: Reason[]): QuantityRef[] {
  const refs: QuantityRef[] = [];
  for (const list of QUANTITY_LISTS[type]) {
    const elements = Array.isArray(event[list]) ? (event[list] as Record<string, unknown>[]) : [];
    const problems: IdentifierProblem[] = [];
    for (const element of elements) {
      const parsed = parseBatchIdentifier(String(element.epcClass), base);
      if (isIdentifierProblem(parsed)) problems.push(parsed);
      else {
        const { quantity, uom } = element;
        refs.push({
          list,
          ref: parsed,
          ...(typeof quantity === "number" && typeof uom === "string"
            ? { quantity: { value: quantity, unit: uom } }
            : {}),
        });
      }
    }
    reasons.push(...summarize(list, problems));
  }
  return refs;
}

type Shape =
  | { kind: "register"; via: "commissioning" | "transformation-output"; ref: QuantityRef }
  | { kind: "append"; type: EventType; ref: QuantityRef; consume: boolean };

function shapeOf(type: string, event: EpcisEvent, refs: QuantityRef[], reasons: Reason[]): Shape | undefined {
  if (type === "TransformationEvent") {
    const inputs = refs.filter((ref) => ref.list === "inputQuantityList");
    const outputs = refs.filter((ref) => ref.list === "outputQuantityList");
    if (inputs.length > 0 && outputs.length > 0) {
      reasons.push(
        reason(
          "COMBINED_TRANSFORMATION",
          "EcoTrace records each input and each output on its own batch: send one TransformationEvent " +
            "per input and per output, linked by the same transformationID",
        ),
      );
      return undefined;
    }
  }
  if (refs.length !== 1) {
    if (reasons.some((item) => item.code.endsWith("IDENTIFIER") || item.code === "CLASS_WITHOUT_LOT"))
      return undefined;
    reasons.push(
      refs.length === 0
        ? reason(
            "NO_BATCH_IDENTIFIER",
            "the event names no batch (a quantity list element with GTIN and lot)",
          )
        : reason(
            "MULTIPLE_BATCHES",
            `the event names ${refs.length} batches; EcoTrace records an event on one batch`,
          ),
    );
    return undefined;
  }
  const [ref] = refs;
  const ourType = adoptableType(event["ecotrace:type"]);
  if (type === "TransformationEvent") {
    if (!ref.quantity) reasons.push(quantityRequired(ref.list));
    return ref.list === "outputQuantityList"
      ? { kind: "register", via: "transformation-output", ref }
      : { kind: "append", type: "transforming", ref, consume: true };
  }
  if (type === "ObjectEvent" && event.action === "ADD") {
    if (event.bizStep !== "commissioning") {
      reasons.push(
        reason(
          "UNSUPPORTED_ACTION",
          "action ADD on an ObjectEvent means the objects begin to exist: EcoTrace supports it with bizStep commissioning only",
        ),
      );
      return undefined;
    }
    if (!ref.quantity) reasons.push(quantityRequired(ref.list));
    return { kind: "register", via: "commissioning", ref };
  }
  if (type === "ObjectEvent" && event.action === "DELETE")
    return { kind: "append", type: "destroying", ref, consume: false };
  return { kind: "append", type: ourType ?? derivedType(event), ref, consume: false };
}

function buildIntent(event: EpcisEvent, shape: Shape, prefixes: PrefixMap): CaptureIntent {
  const preserved = preservedEvent(event, prefixes);
  const readPoint = (event.readPoint as { id?: unknown } | undefined)?.id;
  const bizLocation = (event.bizLocation as { id?: unknown } | undefined)?.id;
  const base: IntentBase = {
    ref: shape.ref.ref,
    ...(typeof event.eventID === "string" ? { eventID: event.eventID } : {}),
    eventTime: String(event.eventTime),
    bizStep: fromEpcisBizStep(String(event.bizStep)),
    ...(typeof event.disposition === "string"
      ? { disposition: fromEpcisDisposition(event.disposition) }
      : {}),
    ...(typeof event.transformationID === "string" ? { transformationID: event.transformationID } : {}),
    ...(event["ecotrace:data"] !== undefined ? { data: event["ecotrace:data"] } : {}),
    ...(event["ecotrace:location"] !== undefined ? { location: event["ecotrace:location"] } : {}),
    ...(typeof readPoint === "string" ? { readPoint } : {}),
    ...(typeof bizLocation === "string" ? { bizLocation } : {}),
    preserved,
    identityList: shape.ref.list,
  };
  if (shape.kind === "register") {
    const ilmd = (event.ilmd ?? {}) as Record<string, unknown>;
    return {
      ...base,
      kind: "register",
      via: shape.via,
      quantity: shape.ref.quantity!,
      master: ilmd["ecotrace:batch"],
    };
  }
  return {
    ...base,
    kind: "append",
    type: shape.type,
    ...(shape.consume && shape.ref.quantity ? { consume: shape.ref.quantity } : {}),
  };
}

/** The event without our record-keeping fields, with the declarations of its foreign prefixes. */
function preservedEvent(event: EpcisEvent, prefixes: PrefixMap): EpcisEvent {
  const { "@context": _context, ...rest } = event;
  for (const field of RECORD_KEEPING_FIELDS) delete rest[field];
  const context = contextForForeignPrefixes(rest, prefixes);
  return context ? { "@context": context, ...rest } : rest;
}

function adoptableType(value: unknown): EventType | undefined {
  return typeof value === "string" && (CLIENT_EVENT_TYPES as readonly string[]).includes(value)
    ? (value as EventType)
    : undefined;
}

function derivedType(event: EpcisEvent): EventType {
  if (cbvTermOf(fromEpcisDisposition(String(event.disposition ?? "")), "disp") === "recalled")
    return "recalling";
  return TYPE_BY_BIZ_STEP[String(event.bizStep)] ?? "observation";
}

function instanceProblems(list: string, value: unknown): Reason[] {
  if (!Array.isArray(value) || value.length === 0) return [];
  return summarize(
    list,
    value.map((uri) => instanceIdentifierProblem(String(uri))),
  );
}

/** One reason per problem kind and list, naming the first identifier and how many more there are. */
function summarize(list: string, problems: IdentifierProblem[]): Reason[] {
  const byCode = new Map<string, IdentifierProblem[]>();
  for (const problem of problems) byCode.set(problem.code, [...(byCode.get(problem.code) ?? []), problem]);
  return [...byCode].map(([code, items]) =>
    reason(code, `${list}: ${items[0].message}${items.length > 1 ? ` (and ${items.length - 1} more)` : ""}`),
  );
}

function quantityRequired(list: string): Reason {
  return reason(
    "QUANTITY_REQUIRED",
    `${list} must give the batch's quantity and uom (UN/CEFACT Rec 20 code)`,
  );
}

function reason(code: string, message: string): Reason {
  return { code, message };
}
