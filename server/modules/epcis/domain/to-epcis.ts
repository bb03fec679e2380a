import { decodeKeys } from "./stored-json";
import {
  quantityElement,
  rfc3339,
  sensorElementsOf,
  timeZoneOffsetOf,
  whereOf,
  geoUri,
} from "./event-fields";
import { batchEpcClass } from "./identifiers";
import { isEpcisUri, isValidEpcisEvent } from "./json-schema";
import { toEpcisBizStep, toEpcisDisposition } from "./vocabulary";

/**
 * EcoTrace event → EPCIS 2.0 event (decision 0006). One of our events is one EPCIS event:
 *
 * | our event                                   | EPCIS                                        |
 * | ------------------------------------------- | -------------------------------------------- |
 * | commissioning (batch registration)          | ObjectEvent ADD, ilmd `ecotrace:batch`       |
 * | commissioning of a split / transformation   | TransformationEvent, outputQuantityList      |
 * | transforming (split / transformation input) | TransformationEvent, inputQuantityList       |
 * | shipping / receiving of a transfer          | TransactionEvent ADD / OBSERVE (DELETE if rejected) |
 * | packing into a container (`data.parentID`)  | AggregationEvent ADD                         |
 * | destroying                                  | ObjectEvent DELETE                           |
 * | certifying                                  | ObjectEvent OBSERVE with certificationInfo   |
 * | everything else                             | ObjectEvent OBSERVE                          |
 *
 * Our record-keeping travels as extension fields: `ecotrace:hash`, `ecotrace:prevHash`,
 * `ecotrace:seq`, `ecotrace:actor`, `ecotrace:anchor`; what EPCIS has no field for as
 * `ecotrace:type`, `ecotrace:data`, `ecotrace:location`, `ecotrace:correctionOf`. An event that was
 * captured from an EPCIS document is exported as it was captured, plus the record-keeping fields.
 */
export type EpcisEvent = Record<string, unknown>;

export interface ExportEvent {
  id: string;
  batchId: string;
  seq: number;
  actorId: string;
  body: Record<string, unknown>;
  hash: string;
  prevHash: string;
  anchor?: { root?: unknown; leafIndex?: unknown; windowId?: unknown } | null;
}

export interface ExportBatch {
  id: string;
  gtin?: string;
  lot: string;
  product: { name?: string; category?: string; gtin?: string };
  origin: Record<string, unknown>;
  brand?: string;
  ecoAttributes?: Record<string, unknown>;
  attachments?: { sha256: string; mediaType: string; uri?: string }[];
}

/** Key of `data` under which a captured event keeps the EPCIS event it was captured from. */
export const CAPTURED_KEY = "epcis";

/** The extension fields that describe our copy of an event, not the event itself. */
export const RECORD_KEEPING_FIELDS = [
  "recordTime",
  "ecotrace:seq",
  "ecotrace:hash",
  "ecotrace:prevHash",
  "ecotrace:actor",
  "ecotrace:anchor",
] as const;

export function eventUri(base: string, eventId: string): string {
  return `${base}/api/epcis/events/${eventId}`;
}

export function toEpcisEvent(event: ExportEvent, batch: ExportBatch, base: string): EpcisEvent {
  const captured = capturedEvent(event, batch, base);
  return { ...(captured ?? nativeEvent(event, batch, base)), ...recordKeeping(event, base) };
}

/**
 * An observation (decision 0031): the EPCIS event as it was captured, plus our record-keeping; its
 * identifiers are the captured ones (no batch of ours stands for them).
 */
export function observationToEpcis(event: ExportEvent, base: string): EpcisEvent {
  const stored = (event.body.data as Record<string, unknown> | undefined)?.[CAPTURED_KEY];
  const original = decodeKeys((stored as { event?: unknown } | undefined)?.event ?? {}) as EpcisEvent;
  return {
    ...original,
    eventID: original.eventID ?? eventUri(base, event.id),
    ...(typeof event.body.correctionOf === "string"
      ? { "ecotrace:correctionOf": eventUri(base, event.body.correctionOf) }
      : {}),
    ...recordKeeping(event, base),
  };
}

/** The stored EPCIS event of a captured event, with its identity taken from our batch. */
function capturedEvent(event: ExportEvent, batch: ExportBatch, base: string): EpcisEvent | undefined {
  const stored = (event.body.data as Record<string, unknown> | undefined)?.[CAPTURED_KEY];
  const original = (stored as { event?: unknown } | undefined)?.event;
  if (original === null || typeof original !== "object") return undefined;
  const replay = { ...(decodeKeys(original) as EpcisEvent) };
  if (typeof event.body.correctionOf === "string")
    replay["ecotrace:correctionOf"] = eventUri(base, event.body.correctionOf);
  const epcClass = batchEpcClass(base, batch);
  for (const list of ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"]) {
    const elements = replay[list];
    if (Array.isArray(elements) && elements.length === 1) replay[list] = [{ ...elements[0], epcClass }];
  }
  replay.eventID ??= eventUri(base, event.id);
  // Only a well-formed event is replayed; anything else is published from our own fields.
  return isValidEpcisEvent({ ...replay, ...recordKeeping(event, base) }) ? replay : undefined;
}

function nativeEvent(event: ExportEvent, batch: ExportBatch, base: string): EpcisEvent {
  const body = event.body;
  const data = (body.data ?? {}) as Record<string, unknown>;
  const eventTime = String(body.eventTime);
  const what = whatOf(String(body.type), data, batch, base);
  const { [CAPTURED_KEY]: _captured, ...ownData } = data;
  return {
    type: what.type,
    eventID: eventUri(base, event.id),
    ...(what.action ? { action: what.action } : {}),
    eventTime: rfc3339(eventTime),
    eventTimeZoneOffset: timeZoneOffsetOf(eventTime),
    ...what.identity,
    bizStep: toEpcisBizStep(String(body.bizStep)),
    ...(typeof body.disposition === "string" ? { disposition: toEpcisDisposition(body.disposition) } : {}),
    ...(what.where ?? whereOf(body.location)),
    ...what.extra,
    ...(body.type === "inspecting" ? optional("sensorElementList", sensorElementsOf(data)) : {}),
    "ecotrace:type": body.type,
    ...(Object.keys(ownData).length > 0 ? { "ecotrace:data": ownData } : {}),
    ...(body.location ? { "ecotrace:location": body.location } : {}),
    ...(typeof body.correctionOf === "string"
      ? { "ecotrace:correctionOf": eventUri(base, body.correctionOf) }
      : {}),
  };
}

interface What {
  type: "ObjectEvent" | "AggregationEvent" | "TransactionEvent" | "TransformationEvent";
  action?: "ADD" | "OBSERVE" | "DELETE";
  identity: EpcisEvent;
  where?: EpcisEvent;
  extra?: EpcisEvent;
}

function whatOf(type: string, data: Record<string, unknown>, batch: ExportBatch, base: string): What {
  const epcClass = batchEpcClass(base, batch);
  const kind = data.kind;
  if (type === "commissioning" && (kind === "split" || kind === "transformation")) {
    return {
      type: "TransformationEvent",
      identity: { outputQuantityList: [quantityElement(epcClass, data.quantity)] },
      extra: {
        transformationID: transformationUri(base, kind === "split" ? batch.id : data.transformationId),
        ilmd: { "ecotrace:batch": batchMasterData(data, batch) },
      },
    };
  }
  if (type === "commissioning") {
    const origin = (data.origin ?? batch.origin) as Record<string, unknown>;
    const location = (origin?.location ?? {}) as Record<string, unknown>;
    const point = geoUri(location.lat, location.lon);
    return {
      type: "ObjectEvent",
      action: "ADD",
      identity: { quantityList: [quantityElement(epcClass, data.quantity)] },
      ...(point ? { where: { readPoint: { id: point } } } : {}),
      extra: { ilmd: { "ecotrace:batch": batchMasterData(data, batch) } },
    };
  }
  if (type === "transforming") {
    const outputs = Array.isArray(data.outputs) ? (data.outputs as Record<string, unknown>[]) : [];
    const split = kind === "split";
    return {
      type: "TransformationEvent",
      identity: {
        inputQuantityList: [quantityElement(epcClass, split ? outputs[0]?.quantity : data.consumed)],
      },
      extra: {
        transformationID: transformationUri(base, split ? outputs[0]?.batchId : data.transformationId),
      },
    };
  }
  const quantityList = [quantityElement(epcClass, data.quantity)];
  if ((type === "shipping" || type === "receiving") && typeof data.transferId === "string") {
    const shipping = type === "shipping";
    const from = shipping ? undefined : data.from;
    const to = shipping ? data.to : undefined;
    return {
      type: "TransactionEvent",
      action: shipping ? "ADD" : data.outcome === "rejected" ? "DELETE" : "OBSERVE",
      identity: { quantityList },
      extra: {
        bizTransactionList: [{ type: "desadv", bizTransaction: `${base}/api/transfers/${data.transferId}` }],
        ...(typeof from === "string"
          ? { sourceList: [{ type: "owning_party", source: orgUri(base, from) }] }
          : {}),
        ...(typeof to === "string"
          ? { destinationList: [{ type: "owning_party", destination: orgUri(base, to) }] }
          : {}),
      },
    };
  }
  if (type === "packing" && isEpcisUri(data.parentID)) {
    return {
      type: "AggregationEvent",
      action: "ADD",
      identity: { parentID: data.parentID, childQuantityList: quantityList },
    };
  }
  const certification =
    type === "certifying" && typeof data.certificationId === "string"
      ? { certificationInfo: `${base}/api/certifications/${data.certificationId}` }
      : {};
  return {
    type: "ObjectEvent",
    action: type === "destroying" ? "DELETE" : "OBSERVE",
    identity: { quantityList },
    extra: certification,
  };
}

/** The batch as POST /api/batches describes it (less quantity, which is in the quantity list). */
function batchMasterData(data: Record<string, unknown>, batch: ExportBatch): Record<string, unknown> {
  const { harvestedOn: _date, ...origin } = (data.origin ?? batch.origin) as Record<string, unknown>;
  return {
    product: data.product ?? batch.product,
    lot: data.lot ?? batch.lot,
    origin,
    ...(batch.brand ? { brand: batch.brand } : {}),
    ...(batch.ecoAttributes ? { ecoAttributes: batch.ecoAttributes } : {}),
    ...(batch.attachments && batch.attachments.length > 0 ? { attachments: batch.attachments } : {}),
  };
}

function recordKeeping(event: ExportEvent, base: string): EpcisEvent {
  const anchor = event.anchor;
  return {
    recordTime: rfc3339(String(event.body.recordTime)),
    "ecotrace:seq": event.seq,
    "ecotrace:hash": event.hash,
    "ecotrace:prevHash": event.prevHash,
    "ecotrace:actor": orgUri(base, event.actorId),
    ...(anchor && typeof anchor.root === "string"
      ? {
          "ecotrace:anchor": {
            root: anchor.root,
            ...(typeof anchor.leafIndex === "number" ? { leafIndex: anchor.leafIndex } : {}),
            proof: `${base}/api/events/${event.id}/proof`,
          },
        }
      : {}),
  };
}

export function transformationUri(base: string, id: unknown): string {
  return `${base}/transformations/${String(id)}`;
}

export function orgUri(base: string, orgId: string): string {
  return `${base}/api/orgs/${orgId}`;
}

function optional(key: string, value: unknown): EpcisEvent {
  return value === undefined ? {} : { [key]: value };
}
