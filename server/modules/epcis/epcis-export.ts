import { Types } from "mongoose";
import { type BatchDoc, BatchRepository } from "../batches";
import { withWindowAnchors } from "../anchoring";
import { type TraceEventDoc, TraceEventRepository, bizStepUri, type UseCaseContext } from "../ledger";
import { epcisDocument, epcisQueryDocument } from "./domain/documents";
import {
  observationToEpcis,
  toEpcisEvent,
  type EpcisEvent,
  type ExportBatch,
  type ExportEvent,
} from "./domain/to-epcis";
import { fromEpcisBizStep } from "./domain/vocabulary";
import { NotFoundError, ValidationError } from "../../platform/errors";
import type { RecordingActor } from "../ingest";

/** EPCIS 2.0 export: event queries (EPCISQueryDocument) and a batch's history (EPCISDocument). */
export interface EpcisEventQuery {
  batch?: string;
  gtin?: string;
  lot?: string;
  product?: string;
  from?: string;
  to?: string;
  bizStep?: string;
  limit: number;
  cursor?: string;
}

/** Most events in one batch history document. */
export const MAX_HISTORY_EVENTS = 10_000;

export async function queryEpcisEvents(
  ctx: UseCaseContext,
  actor: RecordingActor,
  query: EpcisEventQuery,
  base: string,
) {
  // Batch events only: a brand's licence register has no EPCIS counterpart.
  const found = await new TraceEventRepository(ctx.connection).batchEventsWhere({
    batchIds: await matchingBatchIds(ctx, actor, query),
    from: query.from,
    to: query.to,
    bizStep: query.bizStep
      ? /^[a-z_]+$/.test(query.bizStep)
        ? bizStepUri(query.bizStep)
        : fromEpcisBizStep(query.bizStep)
      : undefined,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    limit: query.limit + 1,
  });
  const page = await withWindowAnchors(ctx.connection, found.slice(0, query.limit));
  const nextCursor =
    found.length > query.limit
      ? Buffer.from(page[page.length - 1]._id.toHexString()).toString("base64url")
      : null;
  const batches = await batchesById(ctx, page);
  const events = page.map((event) => exportStoredEvent(event, batches, base));
  return { document: epcisQueryDocument(events, { creationDate: ctx.now(), nextCursor }), nextCursor };
}

/**
 * One event (its eventID resolves here), as a query document with one event, with what decides
 * who may see it: its batch, or the organization whose observation log holds it.
 */
export async function getEpcisEvent(ctx: UseCaseContext, eventId: string, base: string) {
  const stored = await new TraceEventRepository(ctx.connection).findById(eventId);
  if (!stored || stored.subject === "brand") throw new NotFoundError("event", eventId);
  const [event] = await withWindowAnchors(ctx.connection, [stored]);
  const observation = event.subject === "observations";
  const batch = observation ? null : await new BatchRepository(ctx.connection).findById(event.batchId);
  const epcis = observation
    ? observationToEpcis(exportEvent(event), base)
    : toEpcisEvent(exportEvent(event), exportBatch(batch!), base);
  return {
    seenBy: observation ? { logOf: event.batchId.toHexString() } : { batch: batch! },
    document: epcisQueryDocument([epcis], { creationDate: ctx.now(), nextCursor: null }),
  };
}

/** A batch's whole history in chain order. */
export async function exportBatchHistory(ctx: UseCaseContext, batch: BatchDoc, base: string) {
  const events = await withWindowAnchors(
    ctx.connection,
    await new TraceEventRepository(ctx.connection).historyOf(batch._id, MAX_HISTORY_EVENTS),
  );
  const exported = events.map((event) => toEpcisEvent(exportEvent(event), exportBatch(batch), base));
  return epcisDocument(exported, {
    id: `${base}/api/batches/${batch._id.toHexString()}/epcis`,
    creationDate: ctx.now(),
  });
}

/** Ids of the batches the query and the caller's tenancy allow, or undefined for "all". */
async function matchingBatchIds(ctx: UseCaseContext, actor: RecordingActor, query: EpcisEventQuery) {
  const seesAll = actor.roles.includes("admin") || actor.roles.includes("auditor");
  const conditions = {
    id: query.batch,
    gtin: query.gtin,
    lot: query.lot,
    product: query.product,
    visibleTo: seesAll ? undefined : actor.orgId,
  };
  if (!Object.values(conditions).some(Boolean)) return undefined;
  return new BatchRepository(ctx.connection).idsWhere(conditions);
}

/** A stored batch event or observation as an EPCIS event (`batches`: those of the batch events). */
export function exportStoredEvent(
  stored: TraceEventDoc,
  batches: Map<string, BatchDoc>,
  base: string,
): EpcisEvent {
  if (stored.subject === "observations") return observationToEpcis(exportEvent(stored), base);
  return toEpcisEvent(exportEvent(stored), exportBatch(batches.get(stored.batchId.toHexString())!), base);
}

/** The batches of the batch events among `events`. */
export async function batchesById(ctx: UseCaseContext, events: TraceEventDoc[]) {
  const ids = [
    ...new Set(events.filter((event) => !event.subject).map((event) => event.batchId.toHexString())),
  ].map((id) => new Types.ObjectId(id));
  const batches = await new BatchRepository(ctx.connection).findMany(ids);
  return new Map(batches.map((batch) => [batch._id.toHexString(), batch]));
}

export function exportEvent(event: TraceEventDoc): ExportEvent {
  return {
    id: event._id.toHexString(),
    batchId: event.batchId.toHexString(),
    seq: event.seq,
    actorId: event.actorId.toHexString(),
    body: event.body,
    hash: event.hash,
    prevHash: event.prevHash,
    anchor: event.anchor ? { ...event.anchor, windowId: event.anchor.windowId?.toHexString?.() } : null,
  };
}

export function exportBatch(batch: BatchDoc): ExportBatch {
  const { harvestedOn: _date, ...origin } = batch.origin;
  return {
    id: batch._id.toHexString(),
    ...(batch.product.gtin ? { gtin: batch.product.gtin } : {}),
    lot: batch.lot,
    product: batch.product,
    origin,
    ...(batch.brand ? { brand: batch.brand } : {}),
    ...(batch.ecoAttributes ? { ecoAttributes: batch.ecoAttributes } : {}),
    ...(batch.attachments?.length ? { attachments: batch.attachments } : {}),
  };
}

function decodeCursor(cursor: string): Types.ObjectId {
  const hex = Buffer.from(cursor, "base64url").toString();
  if (!/^[0-9a-f]{24}$/.test(hex))
    throw ValidationError.forField("query.cursor", "is not a cursor from a previous page");
  return new Types.ObjectId(hex);
}
