import { CLIENT_EVENT_TYPES, type EventType } from "../../ledger";
import type { BatchRef } from "./identifiers";
import { QUANTITY_LISTS, batchNamed, type BatchTarget, type QuantityRef } from "./event-objects";
import { contextForForeignPrefixes, type PrefixMap } from "./json-ld-context";
import { RECORD_KEEPING_FIELDS, type EpcisEvent } from "./to-epcis";
import { cbvTermOf, fromEpcisBizStep, fromEpcisDisposition } from "./vocabulary";

/**
 * EPCIS 2.0 event → what EcoTrace records for it (decisions 0006 and 0031). Pure: batch lookups,
 * permissions and mass balance are checked by the capture use-case. Every event is kept:
 *
 * - ObjectEvent ADD with bizStep commissioning registers a batch (ilmd `ecotrace:batch`).
 * - TransformationEvent with one output registers a batch made from the inputs that share its
 *   transformationID; with one input it consumes that input's quantity.
 * - An event whose objects all belong to one batch — its lot in a quantity list, items of it by
 *   Digital Link with lot and serial, or serials the serial registry places in it — is an event on
 *   that batch; its type is `ecotrace:type` when that is a type clients may record, else derived
 *   from the CBV business step (DELETE → destroying, disposition recalled → recalling, …). If no
 *   batch the caller may see has that lot, it is an observation instead.
 * - Anything else — AssociationEvents, serialised items no registry places, containers, assets,
 *   several batches, sensor reports about no object, combined transformations — is an observation
 *   in the capturing organization's log, verbatim.
 * - An error declaration corrects the event it declares (on that event's ledger) when that event
 *   was captured here by the same organization; otherwise it is an observation too.
 */
export interface Reason {
  code: string;
  message: string;
}

interface IntentBase {
  eventID?: string;
  eventTime: string;
  /** The event as it will be stored and exported again (record-keeping fields removed). */
  preserved: EpcisEvent;
}

interface BatchIntentBase extends IntentBase {
  ref: BatchRef;
  bizStep: string;
  disposition?: string;
  transformationID?: string;
  /** `ecotrace:data` and `ecotrace:location` as sent; validated by the caller. */
  data?: unknown;
  location?: unknown;
  readPoint?: string;
  bizLocation?: string;
  /** The quantity list that names the batch, its identifier to be replaced by our canonical one. */
  identityList?: string;
  /** Item serials (GS1 AI 21) of the batch the event names. */
  serials?: string[];
}

/** Where an error declaration's event is kept: a batch's event, or one of the caller's observations. */
export type DeclaredEvent =
  { ledger: "batch"; batchId: string; eventId: string } | { ledger: "observations"; eventId: string };

/**
 * Why an event is an observation rather than an event on a batch (stored with it, decision 0031):
 * an AssociationEvent or an extension event type; an error declaration of an event not captured
 * here by the caller, or the correction of one of its observations; no bizStep; no object named;
 * objects that are no batch (assets, containers, locations, items no registry places, products
 * without lot, patterns); several batches; no change EcoTrace records on one batch (inputs and
 * outputs in one transformation, ADD other than commissioning); a new lot without ilmd
 * `ecotrace:batch` (CBV master data alone does not give what a batch needs); a lot no batch of
 * the caller has.
 */
export const OBSERVATION_REASONS = [
  "association",
  "event_type",
  "error_declaration",
  "correction",
  "no_bizstep",
  "no_object",
  "not_a_batch",
  "several_batches",
  "no_batch_change",
  "no_batch_master_data",
  "unknown_lot",
] as const;
export type ObservationReason = (typeof OBSERVATION_REASONS)[number];

export type ObservationIntent = IntentBase & {
  kind: "observe";
  why: ObservationReason;
  bizStep?: string;
  disposition?: string;
  correctionOf?: string;
};

export type CaptureIntent =
  | (BatchIntentBase & {
      kind: "register";
      via: "commissioning" | "transformation-output";
      quantity: { value: number; unit: string };
      master: unknown;
      /** Set when there is no `ecotrace:batch`: the batch is made from the CBV master data in ilmd. */
      cbvIlmd?: Record<string, unknown>;
    })
  | (BatchIntentBase & {
      kind: "append";
      type: EventType;
      consume?: { value: number; unit: string };
      correctionOf?: string;
      /** A lot no batch of the caller may have: recorded as this observation then. */
      otherwise?: ObservationIntent;
    })
  | ObservationIntent;

export interface InterpretOptions {
  base: string;
  prefixes: PrefixMap;
  /** The lot of an item (GTIN-14 + serial), when the serial registry knows it. */
  lotOfSerial(gtin: string, serial: string): string | undefined;
  /** The event an error declaration names, when the caller captured it here. */
  declared(eventID: string): DeclaredEvent | undefined;
}

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
  options: InterpretOptions,
): { intent: CaptureIntent } | { reasons: Reason[] } {
  const reasons: Reason[] = [];
  for (const key of ["ecotrace:data", "ecotrace:location"]) {
    const value = event[key];
    if (value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value))) {
      reasons.push(reason("INVALID_ECOTRACE_FIELD", `${key} must be a JSON object`));
    }
  }
  if (reasons.length > 0) return { reasons };
  const observed = (why: ObservationReason) => ({ intent: observationIntent(event, options.prefixes, why) });
  if (event.errorDeclaration !== undefined) return { intent: correctionIntent(event, options) };
  const type = String(event.type);
  if (!(type in QUANTITY_LISTS)) return observed(type === "AssociationEvent" ? "association" : "event_type");
  if (typeof event.bizStep !== "string") return observed("no_bizstep");
  const target = batchNamed(type, event, options);
  if ("why" in target) return observed(target.why);
  const shape = shapeOf(type, event, target, reasons);
  if (reasons.length > 0) return { reasons };
  if (!shape) return observed("no_batch_change");
  // A commissioning without `ecotrace:batch` is made from its CBV master data, what it does not state
  // left unstated; an output's name and origin come from `ecotrace:batch` only (decision 0031).
  if (shape.kind === "register" && shape.via !== "commissioning" && !hasBatchMasterData(event))
    return observed("no_batch_master_data");
  return {
    intent: buildIntent(event, shape, target, observationIntent(event, options.prefixes, "unknown_lot")),
  };
}

/** An error declaration: a correction on the declared event's ledger, or an observation. */
function correctionIntent(event: EpcisEvent, options: InterpretOptions): CaptureIntent {
  const observation = observationIntent(event, options.prefixes, "error_declaration");
  const declared = typeof event.eventID === "string" ? options.declared(event.eventID) : undefined;
  if (declared?.ledger === "observations")
    return { ...observation, why: "correction", correctionOf: declared.eventId };
  if (declared?.ledger !== "batch") return observation;
  return {
    kind: "append",
    ref: { kind: "id", id: declared.batchId },
    eventTime: observation.eventTime,
    preserved: observation.preserved,
    ...(observation.eventID ? { eventID: observation.eventID } : {}),
    bizStep: observation.bizStep ?? "inspecting",
    ...(observation.disposition ? { disposition: observation.disposition } : {}),
    type: "observation",
    correctionOf: declared.eventId,
  };
}

function observationIntent(
  event: EpcisEvent,
  prefixes: PrefixMap,
  why: ObservationReason,
): ObservationIntent {
  return {
    kind: "observe",
    why,
    ...(typeof event.eventID === "string" ? { eventID: event.eventID } : {}),
    eventTime: String(event.eventTime),
    ...(typeof event.bizStep === "string" ? { bizStep: fromEpcisBizStep(event.bizStep) } : {}),
    ...(typeof event.disposition === "string"
      ? { disposition: fromEpcisDisposition(event.disposition) }
      : {}),
    preserved: preservedEvent(event, prefixes),
  };
}

type Shape =
  | { kind: "register"; via: "commissioning" | "transformation-output"; ref: QuantityRef }
  | { kind: "append"; type: EventType; consume?: QuantityRef };

/** How the event acts on its batch; undefined when it is an observation after all. */
function shapeOf(type: string, event: EpcisEvent, target: BatchTarget, reasons: Reason[]): Shape | undefined {
  const [first] = target.quantities;
  if (type === "TransformationEvent") {
    // Inputs and outputs in one event, or items without a quantity: no single batch change to record.
    if (target.quantities.length !== 1 || target.serials.length > 0) return undefined;
    if (!first.quantity) return void reasons.push(quantityRequired(first.list));
    return first.list === "outputQuantityList"
      ? { kind: "register", via: "transformation-output", ref: first }
      : { kind: "append", type: "transforming", consume: first };
  }
  if (type === "ObjectEvent" && event.action === "ADD") {
    if (event.bizStep !== "commissioning" || target.quantities.length !== 1 || target.serials.length > 0)
      return undefined;
    if (!first.quantity) return void reasons.push(quantityRequired(first.list));
    return { kind: "register", via: "commissioning", ref: first };
  }
  if (type === "ObjectEvent" && event.action === "DELETE") return { kind: "append", type: "destroying" };
  return { kind: "append", type: adoptableType(event["ecotrace:type"]) ?? derivedType(event) };
}

function buildIntent(
  event: EpcisEvent,
  shape: Shape,
  target: BatchTarget,
  observation: ObservationIntent,
): CaptureIntent {
  const readPoint = (event.readPoint as { id?: unknown } | undefined)?.id;
  const bizLocation = (event.bizLocation as { id?: unknown } | undefined)?.id;
  const identity = shape.kind === "register" ? shape.ref : (shape.consume ?? target.quantities[0]);
  const base: BatchIntentBase = {
    ref: target.ref,
    ...(observation.eventID ? { eventID: observation.eventID } : {}),
    eventTime: observation.eventTime,
    bizStep: fromEpcisBizStep(String(event.bizStep)),
    ...(observation.disposition ? { disposition: observation.disposition } : {}),
    ...(typeof event.transformationID === "string" ? { transformationID: event.transformationID } : {}),
    ...(event["ecotrace:data"] !== undefined ? { data: event["ecotrace:data"] } : {}),
    ...(event["ecotrace:location"] !== undefined ? { location: event["ecotrace:location"] } : {}),
    ...(typeof readPoint === "string" ? { readPoint } : {}),
    ...(typeof bizLocation === "string" ? { bizLocation } : {}),
    preserved: observation.preserved,
    ...(identity ? { identityList: identity.list } : {}),
    ...(target.serials.length > 0 ? { serials: [...new Set(target.serials)] } : {}),
  };
  if (shape.kind === "register") {
    const ilmd = (event.ilmd ?? {}) as Record<string, unknown>;
    return {
      ...base,
      kind: "register",
      via: shape.via,
      quantity: shape.ref.quantity!,
      master: ilmd["ecotrace:batch"],
      ...(hasBatchMasterData(event) ? {} : { cbvIlmd: ilmd }),
    };
  }
  return {
    ...base,
    kind: "append",
    type: shape.type,
    ...(shape.consume?.quantity ? { consume: shape.consume.quantity } : {}),
    ...(target.ref.kind === "lot" ? { otherwise: observation } : {}),
  };
}

/** The event without our record-keeping fields, with the declarations of its foreign prefixes. */
function preservedEvent(event: EpcisEvent, prefixes: PrefixMap): EpcisEvent {
  const { "@context": _context, ...rest } = event;
  for (const field of RECORD_KEEPING_FIELDS) delete rest[field];
  const context = contextForForeignPrefixes(rest, prefixes);
  return context ? { "@context": context, ...rest } : rest;
}

function hasBatchMasterData(event: EpcisEvent): boolean {
  const ilmd = event.ilmd as Record<string, unknown> | undefined;
  return (
    ilmd !== undefined && ilmd !== null && typeof ilmd === "object" && ilmd["ecotrace:batch"] !== undefined
  );
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

function quantityRequired(list: string): Reason {
  return reason(
    "QUANTITY_REQUIRED",
    `${list} must give the batch's quantity and uom (UN/CEFACT Rec 20 code)`,
  );
}

function reason(code: string, message: string): Reason {
  return { code, message };
}
