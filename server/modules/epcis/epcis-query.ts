import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import { withWindowAnchors } from "../anchoring";
import { TraceEventRepository, type UseCaseContext } from "../ledger";
import type { RecordingActor } from "../ingest";
import { ValidationError } from "../../platform/errors";
import { batchesById, exportBatch, exportEvent } from "./epcis-export";
import {
  lotsNamed,
  matchesSimpleEventQuery,
  storedBizStepNamed,
  type SimpleEventQuery,
} from "./domain/simple-event-query";
import { toEpcisEvent, type EpcisEvent } from "./domain/to-epcis";

/** Stored events examined per database read, and at most per request before answering a page. */
const CHUNK = 500;
const SCAN_LIMIT = 20_000;

/**
 * Runs an EPCIS 2.0 simple event query over the events the caller may see: the database narrows
 * by batch (visibility, and the lots MATCH_epcClass names), event time and a single business step,
 * then each candidate is exported to EPCIS 2.0 JSON and matched against every parameter there.
 * A page ends after `perPage` matches or SCAN_LIMIT examined events; `nextPageToken` continues
 * after the last event examined (so a page may hold fewer than perPage events and still have a
 * next one).
 */
export async function runSimpleEventQuery(
  ctx: UseCaseContext,
  actor: RecordingActor,
  query: SimpleEventQuery,
  base: string,
): Promise<{ events: EpcisEvent[]; nextPageToken: string | null }> {
  const batchIds = await visibleBatchIds(ctx, actor, query, base);
  if (batchIds?.length === 0) return { events: [], nextPageToken: null };
  const repository = new TraceEventRepository(ctx.connection);
  const filter = {
    batchIds,
    from: query.times.GE_eventTime?.toISOString(),
    to: query.times.LT_eventTime?.toISOString(),
    bizStep: storedBizStepNamed(query) ?? undefined,
  };
  const candidatesAfter = (after: Types.ObjectId | undefined, limit: number) =>
    repository.batchEventsWhere({ ...filter, after, limit });
  const events: EpcisEvent[] = [];
  let after = query.nextPageToken ? decodeToken(query.nextPageToken) : undefined;
  let examined = 0;
  for (;;) {
    const chunk = await withWindowAnchors(ctx.connection, await candidatesAfter(after, CHUNK));
    const batches = await batchesById(ctx, chunk);
    for (const [index, stored] of chunk.entries()) {
      examined += 1;
      after = stored._id;
      const event = toEpcisEvent(
        exportEvent(stored),
        exportBatch(batches.get(stored.batchId.toHexString())!),
        base,
      );
      if (!matchesSimpleEventQuery(event, query)) continue;
      events.push(event);
      if (events.length < query.perPage) continue;
      // A next page only when another candidate follows: one in this chunk, else one more read.
      const more = index < chunk.length - 1 || (await candidatesAfter(after, 1)).length > 0;
      return { events, nextPageToken: more ? encodeToken(after) : null };
    }
    if (chunk.length < CHUNK) return { events, nextPageToken: null };
    if (examined >= SCAN_LIMIT) return { events, nextPageToken: encodeToken(after!) };
  }
}

/** The batches whose events the caller may query, narrowed to named lots; undefined = all. */
async function visibleBatchIds(
  ctx: UseCaseContext,
  actor: RecordingActor,
  query: SimpleEventQuery,
  base: string,
): Promise<Types.ObjectId[] | undefined> {
  const seesAll = actor.roles.includes("admin") || actor.roles.includes("auditor");
  const visibleTo = seesAll ? undefined : actor.orgId;
  const lots = lotsNamed(query, base);
  const batches = new BatchRepository(ctx.connection);
  if (!lots) return visibleTo ? batches.idsWhere({ visibleTo }) : undefined;
  const found = await Promise.all(lots.map((lot) => batches.idsWhere({ ...lot, visibleTo })));
  return found.flat();
}

function encodeToken(id: Types.ObjectId): string {
  return Buffer.from(id.toHexString()).toString("base64url");
}

function decodeToken(token: string): Types.ObjectId {
  const hex = Buffer.from(token, "base64url").toString();
  if (!/^[0-9a-f]{24}$/.test(hex))
    throw ValidationError.forField("query.nextPageToken", "is not a token this repository returned");
  return new Types.ObjectId(hex);
}
