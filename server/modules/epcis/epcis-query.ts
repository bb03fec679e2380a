import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import { withWindowAnchors } from "../anchoring";
import { TraceEventRepository, observationLogsFor, type UseCaseContext } from "../ledger";
import type { RecordingActor } from "../ingest";
import { AppError, ValidationError } from "../../platform/errors";
import { compareEventsBy } from "./domain/event-order";
import { batchesById, exportStoredEvent } from "./epcis-export";
import {
  lotsNamed,
  matchesSimpleEventQuery,
  needsWholeResult,
  storedBizStepNamed,
  type SimpleEventQuery,
} from "./domain/simple-event-query";
import type { EpcisEvent } from "./domain/to-epcis";

/** Stored events examined per database read, and at most per request before answering a page. */
const CHUNK = 500;
const SCAN_LIMIT = 20_000;
/** Most events a sorted or counted query (orderBy, eventCountLimit, maxEventCount) may examine. */
export const WHOLE_RESULT_SCAN_LIMIT = 100_000;

export interface QueryPage {
  events: EpcisEvent[];
  nextPageToken: string | null;
  /** Token after the last stored event examined (subscriptions continue from it), if any was. */
  lastExamined?: string;
}

/**
 * Runs an EPCIS 2.0 simple event query over the events the caller may see (of its batches, and its
 * observation log, decision 0031): the database narrows by batch (visibility, and the lots
 * MATCH_epcClass names), event time and a single business step,
 * then each candidate is exported to EPCIS 2.0 JSON and matched against every parameter there.
 * A page ends after `perPage` matches or SCAN_LIMIT examined events; `nextPageToken` continues
 * after the last event examined (so a page may hold fewer than perPage events and still have a
 * next one). A sorted or counted query (orderBy, eventCountLimit, maxEventCount) needs every match
 * first: it examines at most WHOLE_RESULT_SCAN_LIMIT events (else QueryTooComplexException), and its
 * pages are slices of the sorted result (the token holds the offset).
 */
export async function runSimpleEventQuery(
  ctx: UseCaseContext,
  actor: RecordingActor,
  query: SimpleEventQuery,
  base: string,
  options: { before?: Types.ObjectId } = {},
): Promise<QueryPage> {
  const batchIds = await visibleBatchIds(ctx, actor, query, base);
  // The caller's observation log (decision 0031); auditors and admins see every log.
  const logIds = await observationLogsFor(ctx, seesAll(actor) ? "all" : actor.orgId);
  if (batchIds?.length === 0 && !logIds) return { events: [], nextPageToken: null };
  const repository = new TraceEventRepository(ctx.connection);
  const filter = {
    batchIds,
    logIds,
    from: query.times.GE_eventTime?.toISOString(),
    to: query.times.LT_eventTime?.toISOString(),
    bizStep: storedBizStepNamed(query) ?? undefined,
    before: options.before,
  };
  const candidates: Candidates = async (after, limit) => {
    const chunk = await withWindowAnchors(
      ctx.connection,
      await repository.batchEventsWhere({ ...filter, after, limit }),
    );
    const batches = await batchesById(ctx, chunk);
    return chunk.map((stored) => ({ id: stored._id, event: exportStoredEvent(stored, batches, base) }));
  };
  return needsWholeResult(query) ? wholeResultPage(candidates, query) : nextPage(candidates, query);
}

type Candidates = (
  after: Types.ObjectId | undefined,
  limit: number,
) => Promise<{ id: Types.ObjectId; event: EpcisEvent }[]>;

async function nextPage(candidates: Candidates, query: SimpleEventQuery): Promise<QueryPage> {
  const events: EpcisEvent[] = [];
  let after = query.nextPageToken ? decodeCursor(query.nextPageToken) : undefined;
  let examined = 0;
  const page = (more: boolean): QueryPage => ({
    events,
    nextPageToken: more && after ? encodeCursor(after) : null,
    lastExamined: after ? encodeCursor(after) : undefined,
  });
  for (;;) {
    const chunk = await candidates(after, CHUNK);
    for (const [index, { id, event }] of chunk.entries()) {
      examined += 1;
      after = id;
      if (!matchesSimpleEventQuery(event, query)) continue;
      events.push(event);
      if (events.length < query.perPage) continue;
      // A next page only when another candidate follows: one in this chunk, else one more read.
      return page(index < chunk.length - 1 || (await candidates(after, 1)).length > 0);
    }
    if (chunk.length < CHUNK) return page(false);
    if (examined >= SCAN_LIMIT) return page(true);
  }
}

async function wholeResultPage(candidates: Candidates, query: SimpleEventQuery): Promise<QueryPage> {
  const offset = query.nextPageToken ? decodeOffset(query.nextPageToken) : 0;
  const matches: EpcisEvent[] = [];
  let after: Types.ObjectId | undefined;
  let examined = 0;
  // Without orderBy, eventCountLimit keeps the first matches in capture order: stop there.
  const enough = !query.order && query.eventCountLimit ? query.eventCountLimit : Infinity;
  for (;;) {
    const chunk = await candidates(after, CHUNK);
    for (const { id, event } of chunk) {
      after = id;
      if (matchesSimpleEventQuery(event, query)) matches.push(event);
      if (matches.length >= enough) break;
    }
    examined += chunk.length;
    if (chunk.length < CHUNK || matches.length >= enough) break;
    if (examined >= WHOLE_RESULT_SCAN_LIMIT)
      throw new QueryTooComplexError(
        `QueryTooComplexException: a sorted or counted query examines at most ${WHOLE_RESULT_SCAN_LIMIT} events; narrow it (eventTime, bizStep, MATCH_epcClass)`,
      );
  }
  if (query.maxEventCount && matches.length > query.maxEventCount)
    throw new QueryTooLargeError(
      `QueryTooLargeException: ${matches.length} events match, more than maxEventCount ${query.maxEventCount}`,
    );
  if (query.order) matches.sort(compareEventsBy(query.order.by, query.order.direction));
  const result = query.eventCountLimit ? matches.slice(0, query.eventCountLimit) : matches;
  const end = offset + query.perPage;
  return {
    events: result.slice(offset, end),
    nextPageToken: end < result.length ? encodeOffset(end) : null,
  };
}

/** The batches whose events the caller may query, narrowed to named lots; undefined = all. */
async function visibleBatchIds(
  ctx: UseCaseContext,
  actor: RecordingActor,
  query: SimpleEventQuery,
  base: string,
): Promise<Types.ObjectId[] | undefined> {
  const visibleTo = seesAll(actor) ? undefined : actor.orgId;
  const lots = lotsNamed(query, base);
  const batches = new BatchRepository(ctx.connection);
  if (!lots) return visibleTo ? batches.idsWhere({ visibleTo }) : undefined;
  const found = await Promise.all(lots.map((lot) => batches.idsWhere({ ...lot, visibleTo })));
  return found.flat();
}

function seesAll(actor: RecordingActor): boolean {
  return actor.roles.includes("admin") || actor.roles.includes("auditor");
}

/** A token is base64url of the last event examined (24 hex digits) or `@{offset}` in a sorted result. */
function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(id.toHexString()).toString("base64url");
}

function encodeOffset(offset: number): string {
  return Buffer.from(`@${offset}`).toString("base64url");
}

function decodeCursor(token: string): Types.ObjectId {
  const hex = Buffer.from(token, "base64url").toString();
  if (!/^[0-9a-f]{24}$/.test(hex)) throw badToken();
  return new Types.ObjectId(hex);
}

function decodeOffset(token: string): number {
  const offset = /^@(\d{1,9})$/.exec(Buffer.from(token, "base64url").toString())?.[1];
  if (offset === undefined) throw badToken();
  return Number(offset);
}

function badToken() {
  return ValidationError.forField(
    "query.nextPageToken",
    "is not a token this repository returned for this query",
  );
}

/** EPCIS 2.0 QueryTooLargeException: more events match than the query's maxEventCount allows. */
export class QueryTooLargeError extends AppError {
  constructor(message: string) {
    super("QueryTooLargeException", message, 413);
  }
}

/** EPCIS 2.0 QueryTooComplexException: answering would examine more events than allowed. */
export class QueryTooComplexError extends AppError {
  constructor(message: string) {
    super("QueryTooComplexException", message, 413);
  }
}
