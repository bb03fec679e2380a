import type { Types } from "mongoose";
import type { z } from "zod";
import { isSealedMarker, type EventLocation, type ObservationFacts } from "../ledger";
import type { CaptureIntent, ObservationIntent, Reason } from "./domain/from-epcis";
import { batchEpcClass, type BatchRef } from "./domain/identifiers";
import { encodeKeys, jsonDepth } from "./domain/stored-json";
import { CAPTURED_KEY, type EpcisEvent } from "./domain/to-epcis";
import { toGtin14, eventLocation } from "../batches";
import { safeJsonObject } from "../../platform/http/common.schemas";
import {
  capturedBatchMaster,
  cbvBatchMaster,
  derivedBatchMaster,
  standardBatchMaster,
} from "./domain/batch-master";
import type { PlanRef, PlanStep } from "../ingest";

/**
 * Turns an interpreted EPCIS event into a plan step, validating what EcoTrace reads from it with
 * the same schemas as the REST API (a captured batch obeys the rules of POST /api/batches). The
 * event itself, with its identity in our canonical form, is kept in `data.epcis` so that it is
 * hashed with the record and exported again unchanged.
 */
const MAX_STORED_DEPTH = 40;

export function stepForIntent(
  intent: CaptureIntent,
  index: number,
  options: { base: string; captureId: Types.ObjectId },
): { step: PlanStep } | { reasons: Reason[] } {
  const reasons: Reason[] = [];
  if (intent.kind === "observe") {
    const facts = observationFacts(intent, index, options, reasons);
    return reasons.length > 0 ? { reasons } : { step: { kind: "observe", index, facts } };
  }
  const ownData = parsed(safeJsonObject, intent.data ?? {}, "ecotrace:data", reasons) ?? {};
  const { [CAPTURED_KEY]: _nested, ...data } = ownData;
  const recorded = {
    ...data,
    ...(intent.serials ? { serials: intent.serials } : {}),
    [CAPTURED_KEY]: capturedRecord(withCanonicalIdentity(intent, options.base), index, options, reasons),
  };
  const transformation = intent.transformationID ? { transformationKey: intent.transformationID } : {};
  if (intent.kind === "register") {
    const batch = masterData(intent, reasons);
    if (reasons.length > 0 || !batch) return { reasons };
    return {
      step: {
        kind: "register",
        index,
        via: intent.via,
        batch: batch.value,
        ...("requestedId" in batch ? { requestedId: batch.requestedId } : {}),
        eventTime: intent.eventTime,
        data: recorded,
        ...transformation,
        lineageKind: data.kind === "split" ? "split" : "transformation",
      },
    };
  }
  const location = locationOf(intent, reasons);
  const otherwise = intent.otherwise && observationFacts(intent.otherwise, index, options, reasons);
  if (reasons.length > 0) return { reasons };
  return {
    step: {
      kind: "append",
      index,
      ref: planRef(intent.ref),
      facts: {
        type: intent.type,
        eventTime: intent.eventTime,
        bizStep: intent.bizStep,
        ...(intent.disposition ? { disposition: intent.disposition } : {}),
        ...(location ? { location } : {}),
        data: recorded,
        ...(intent.correctionOf ? { correctionOf: intent.correctionOf } : {}),
      },
      ...(intent.consume ? { consume: intent.consume } : {}),
      ...transformation,
      ...(otherwise ? { observeIfUnknown: otherwise } : {}),
    },
  };
}

/** An observation for the organization's log (decision 0031): the event verbatim, nothing read from it. */
function observationFacts(
  intent: ObservationIntent,
  index: number,
  options: { captureId: Types.ObjectId },
  reasons: Reason[],
): ObservationFacts {
  return {
    type: "observation",
    observed: intent.why,
    eventTime: intent.eventTime,
    ...(intent.bizStep ? { bizStep: intent.bizStep } : {}),
    ...(intent.disposition ? { disposition: intent.disposition } : {}),
    data: { [CAPTURED_KEY]: capturedRecord(intent.preserved, index, options, reasons) },
    ...(intent.correctionOf ? { correctionOf: intent.correctionOf } : {}),
  };
}

/** Where a captured event comes from, and the event itself in its stored (key-encoded) form. */
function capturedRecord(
  event: EpcisEvent,
  index: number,
  options: { captureId: Types.ObjectId },
  reasons: Reason[],
) {
  const stored = encodeKeys(event);
  if (jsonDepth(stored) > MAX_STORED_DEPTH && !reasons.some((item) => item.code === "TOO_DEEP")) {
    reasons.push({ code: "TOO_DEEP", message: `the event is nested deeper than ${MAX_STORED_DEPTH} levels` });
  }
  return { capture: options.captureId.toHexString(), index, event: stored };
}

type BatchIntent = Exclude<CaptureIntent, ObservationIntent>;

function withCanonicalIdentity(intent: BatchIntent, base: string): EpcisEvent {
  if (!intent.identityList) return intent.preserved;
  const epcClass =
    intent.ref.kind === "lot"
      ? batchEpcClass(base, { id: "", gtin: intent.ref.gtin, lot: intent.ref.lot })
      : batchEpcClass(base, { id: intent.ref.id, lot: "" });
  const list = intent.preserved[intent.identityList] as Record<string, unknown>[];
  return { ...intent.preserved, [intent.identityList]: list.map((element) => ({ ...element, epcClass })) };
}

function masterData(intent: Extract<CaptureIntent, { kind: "register" }>, reasons: Reason[]) {
  if (intent.cbvIlmd) return cbvMasterData(intent, intent.cbvIlmd, reasons);
  if (intent.master === null || typeof intent.master !== "object" || Array.isArray(intent.master)) {
    reasons.push({
      code: "INVALID_BATCH_MASTER_DATA",
      message:
        'ilmd "ecotrace:batch" must be an object with product, lot and origin (as POST /api/batches takes them)',
    });
    return undefined;
  }
  if ("private" in (intent.master as Record<string, unknown>)) {
    reasons.push({
      code: "INVALID_BATCH_MASTER_DATA",
      message:
        'ilmd["ecotrace:batch"].private cannot be honoured: a captured EPCIS event is kept verbatim, so nothing in it can be sealed',
    });
    return undefined;
  }
  const master: Record<string, unknown> = {
    ...(intent.master as Record<string, unknown>),
    quantity: intent.quantity,
  };
  // A sealed origin location (decision 0008) cannot be opened here: the batch is captured without it.
  const origin = master.origin as Record<string, unknown> | undefined;
  if (origin && isSealedMarker(origin.location)) {
    const { location: _sealed, ...open } = origin;
    master.origin = open;
  }
  const schema = intent.via === "commissioning" ? capturedBatchMaster : derivedBatchMaster;
  const value = parsed(schema, master, 'ilmd["ecotrace:batch"]', reasons, "INVALID_BATCH_MASTER_DATA");
  if (!value) return undefined;
  const ref = intent.ref;
  if (ref.kind === "id") {
    if (value.product.gtin) {
      reasons.push({
        code: "IDENTITY_MISMATCH",
        message: "a batch with a GTIN is identified by its GS1 Digital Link, not by an EcoTrace /b/ link",
      });
    }
    return { value, requestedId: ref.id };
  }
  const gtin = value.product.gtin ? toGtin14(value.product.gtin) : ref.gtin;
  if (gtin !== ref.gtin || value.lot !== ref.lot) {
    reasons.push({
      code: "IDENTITY_MISMATCH",
      message: `the event names GTIN ${ref.gtin} lot ${ref.lot}, but ecotrace:batch describes GTIN ${gtin} lot ${value.lot}`,
    });
  }
  return { value: { ...value, product: { ...value.product, gtin } } };
}

/** A batch from the CBV master data of a commissioning of a lot: what it states, nothing invented. */
function cbvMasterData(
  intent: Extract<CaptureIntent, { kind: "register" }>,
  ilmd: Record<string, unknown>,
  reasons: Reason[],
) {
  if (intent.ref.kind !== "lot") return undefined; // a commissioning without ecotrace:batch names a GTIN and lot
  const { master, problems } = cbvBatchMaster(ilmd, intent.readPoint, intent.ref, intent.quantity);
  for (const message of problems) reasons.push({ code: "INVALID_BATCH_MASTER_DATA", message });
  if (problems.length > 0) return undefined;
  const value = parsed(standardBatchMaster, master, "CBV master data", reasons, "INVALID_BATCH_MASTER_DATA");
  return value ? { value } : undefined;
}

function locationOf(intent: BatchIntent, reasons: Reason[]): EventLocation | undefined {
  if (intent.location !== undefined)
    return parsed(eventLocation, intent.location, "ecotrace:location", reasons);
  const location: EventLocation = {};
  if (intent.readPoint && intent.readPoint.length <= 300) location.readPoint = intent.readPoint;
  if (intent.bizLocation && intent.bizLocation.length <= 300) location.bizLocation = intent.bizLocation;
  const geo = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/.exec(intent.readPoint ?? "");
  if (geo && Math.abs(Number(geo[1])) <= 90 && Math.abs(Number(geo[2])) <= 180) {
    location.lat = Number(geo[1]);
    location.lon = Number(geo[2]);
  }
  return Object.keys(location).length > 0 ? location : undefined;
}

function planRef(ref: BatchRef): PlanRef {
  return ref.kind === "lot" ? { kind: "lot", lot: ref.lot, gtin: ref.gtin } : { kind: "id", id: ref.id };
}

function parsed<T>(
  schema: z.ZodType<T>,
  value: unknown,
  field: string,
  reasons: Reason[],
  code = "INVALID_ECOTRACE_FIELD",
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [field, ...issue.path.map(String)].join(".");
    const message =
      issue.code === "unrecognized_keys" ? `has unknown fields ${issue.keys.join(", ")}` : issue.message;
    reasons.push({ code, message: `${path} ${message}` });
  }
  return undefined;
}
