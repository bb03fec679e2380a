import { randomBytes } from "node:crypto";
import { Types, type Collection, type Connection, type UpdateQuery } from "mongoose";
import { traceEventModel, type LedgerSubject, type TraceEventDoc } from "./data/trace-event.model";
import type { LedgerLink, EventFacts } from "./domain/event-body";
import { computeEventHash, ZERO_HASH } from "./domain/event-hash";
import { assertStorableBody } from "./domain/storable-body";
import { ConflictError } from "../../platform/errors";
import type { ChainClient } from "../../platform/evm/chain-client";
import type { LedgerHeadCache } from "./ledger-head-cache";
import type { LedgerHeadDoc } from "./ledger-head";
import { encodeCommit, insertCommitted, newestCommit, type CommitCopy } from "./commit-events";
import { currentPrincipal } from "../../platform/request-principal";

const MAX_ATTEMPTS = 200;

export interface UseCaseContext {
  connection: Connection;
  now(): Date;
  /** Optional cache of batch versions; saves the read before each compare-and-set. */
  heads?: LedgerHeadCache;
  /** The registry, for writes that depend on on-chain state (brand claims check certifications). */
  chain?: ChainClient;
}

/**
 * Checks a ledger's subject (a batch, a brand) before an append and says what else changes with it
 * (status, holder...). Throws an AppError to refuse. Runs again on every retry, against the
 * subject as it is then.
 */
export type AppendGuard<Subject extends LedgerHeadDoc> = (
  subject: Subject,
) => UpdateQuery<Subject>["$set"] | void;

/** What every ledger's events state: what happened and when. */
export interface LedgerFacts {
  type: string;
  eventTime: string;
}

/**
 * A kind of hash chain: where its head lives and how its event bodies name the subject. Batches
 * are the main kind; a brand's licence register is the other (decision 0010). Events of every
 * kind share one collection, so the anchoring worker and proofs treat them alike.
 */
export interface Ledger<Facts extends LedgerFacts = EventFacts> {
  /** Stored as the event's `subject`; absent for batch events (the original kind). */
  subject?: LedgerSubject;
  collection(connection: Connection): Collection;
  notFound(id: string): Error;
  body(facts: Facts, link: LedgerLink): Record<string, unknown>;
  /** Batches and observation logs: the cache of heads this process wrote. */
  heads?(ctx: UseCaseContext): LedgerHeadCache | undefined;
}

/** Appends one event to a ledger (see Ledger; for batches, appendEvent in the batches module). */
export async function appendToLedger<Subject extends LedgerHeadDoc, Facts extends LedgerFacts>(
  ctx: UseCaseContext,
  ledger: Ledger<Facts>,
  subjectId: string,
  actorId: string,
  facts: Facts,
  guard: AppendGuard<Subject> = () => undefined,
): Promise<TraceEventDoc> {
  const [event] = await commitToLedger(ctx, ledger, subjectId, actorId, [facts], [guard]);
  return event;
}

/** The compare-and-set loop behind appendToLedger (one event) and appendEvents (several). */
export async function commitToLedger<Subject extends LedgerHeadDoc, Facts extends LedgerFacts>(
  ctx: UseCaseContext,
  ledger: Ledger<Facts>,
  subjectId: string,
  actorId: string,
  facts: Facts[],
  guards: AppendGuard<Subject>[],
): Promise<TraceEventDoc[]> {
  const subjects = ledger.collection(ctx.connection);
  const heads = ledger.heads?.(ctx);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const cached = attempt === 1 ? (heads?.get(subjectId) as Subject | undefined) : undefined;
    const subject = cached ?? (await readSubject<Subject>(ctx, ledger, subjectId));
    // A subject read from the database may have been committed by a writer that died before
    // inserting its events: put them in place before chaining onto them. A cached one was last
    // written by this process, which inserted its events before returning.
    if (!cached) await materializeHead(ctx, subject);
    let changes: NonNullable<ReturnType<AppendGuard<Subject>>>;
    try {
      changes = applyGuards(subject, guards);
    } catch (refusal) {
      // Only the database copy may refuse: a cached one can be stale (another instance wrote).
      if (!cached) throw refusal;
      heads?.delete(subjectId);
      continue;
    }
    const events = ledgerEvents(ctx, ledger, subject, actorId, facts);
    const last = events[events.length - 1];
    const head = { seq: last.seq, hash: last.hash, eventId: last._id };
    const committed = await subjects.updateOne(
      { _id: subject._id, "head.seq": subject.head.seq },
      events.length > 1
        ? { $set: { ...changes, head, lastEvent: last, lastEvents: encodeCommit(events) } }
        : // $unset: a list kept by a bulk commit whose writer died before removing it
          { $set: { ...changes, head, lastEvent: last }, $unset: { lastEvents: "" } },
    );
    if (committed.modifiedCount === 1) {
      const { lastEvents: _copies, ...kept } = subject as Subject & { lastEvents?: unknown };
      heads?.set({ ...kept, ...changes, head, lastEvent: last as unknown as Record<string, unknown> });
      await insertCommittedEvents(ctx, subjects, events);
      return events;
    }
    heads?.delete(subjectId);
    if (attempt > 1)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
  }
  throw new ConflictError(
    `${ledger.subject ?? "batch"} ${subjectId} is being changed by too many writers; retry the request`,
  );
}

/** Runs each guard against the subject as the changes of the events before it leave it. */
export function applyGuards<Subject extends LedgerHeadDoc>(subject: Subject, guards: AppendGuard<Subject>[]) {
  let changes: NonNullable<ReturnType<AppendGuard<Subject>>> = {};
  for (const guard of guards) changes = { ...changes, ...(guard({ ...subject, ...changes }) ?? {}) };
  return changes;
}

/** The event documents for `facts`, chained one after the other from the subject's head. */
export function ledgerEvents<Facts extends LedgerFacts>(
  ctx: UseCaseContext,
  ledger: Ledger<Facts>,
  subject: Pick<LedgerHeadDoc, "_id" | "head">,
  actorId: string,
  facts: Facts[],
): TraceEventDoc[] {
  const events: TraceEventDoc[] = [];
  let tip = subject;
  for (const fact of facts) {
    const event = buildEventDoc(ctx, ledger, tip, actorId, fact);
    events.push(event);
    tip = { _id: subject._id, head: { seq: event.seq, hash: event.hash, eventId: event._id } };
  }
  return events;
}

/** Inserts the events of a commit; a commit of several then drops its copy from the head. */
async function insertCommittedEvents(ctx: UseCaseContext, subjects: Collection, events: TraceEventDoc[]) {
  if (events.length === 1) return insertCommittedEvent(ctx, events[0]);
  const last = events[events.length - 1];
  await insertCommitted(ctx.connection, events, { knownMissing: true });
  await subjects.updateOne({ _id: last.batchId, "head.eventId": last._id }, { $unset: { lastEvents: "" } });
}

/**
 * Inserts an event this writer committed. Another writer may already have put it in place from
 * the batch's `lastEvent` copy (see materializeHead): that copy is the same document, so a
 * duplicate-key answer means the work is done.
 */
async function insertCommittedEvent(ctx: UseCaseContext, event: TraceEventDoc): Promise<void> {
  try {
    await traceEventModel(ctx.connection).collection.insertOne(event);
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

/** Inserts the batch's newest committed event(s) if missing (idempotent: by id). */
export async function materializeHead(ctx: UseCaseContext, batch: CommitCopy): Promise<boolean> {
  const commit = newestCommit(batch);
  if (commit.length > 1) return (await insertCommitted(ctx.connection, commit)) > 0;
  const event = commit[0];
  if (!event) return false;
  const result = await traceEventModel(ctx.connection).collection.updateOne(
    { _id: event._id },
    { $setOnInsert: event },
    { upsert: true },
  );
  return result.upsertedCount === 1;
}

async function readSubject<Subject extends LedgerHeadDoc>(
  ctx: UseCaseContext,
  ledger: Pick<Ledger<never>, "collection" | "notFound">,
  subjectId: string,
): Promise<Subject> {
  const subject = Types.ObjectId.isValid(subjectId)
    ? await ledger.collection(ctx.connection).findOne({ _id: new Types.ObjectId(subjectId) })
    : null;
  if (!subject) throw ledger.notFound(subjectId);
  return subject as unknown as Subject;
}

/** Builds the event document for the first event of a new chain (a batch's commissioning). */
export function buildFirstEvent<Facts extends LedgerFacts = EventFacts>(
  ctx: UseCaseContext,
  subjectId: Types.ObjectId,
  actorId: string,
  facts: Facts,
  ledger: Ledger<Facts>,
): TraceEventDoc {
  return buildEventDoc(
    ctx,
    ledger,
    { _id: subjectId, head: { seq: 0, hash: ZERO_HASH, eventId: subjectId } },
    actorId,
    facts,
  );
}

function buildEventDoc<Facts extends LedgerFacts>(
  ctx: UseCaseContext,
  ledger: Pick<Ledger<Facts>, "body" | "subject">,
  subject: Pick<LedgerHeadDoc, "_id" | "head">,
  actorId: string,
  facts: Facts,
): TraceEventDoc {
  const recordTime = ctx.now();
  const body = ledger.body(facts, {
    subjectId: subject._id.toHexString(),
    seq: subject.head.seq + 1,
    prevHash: subject.head.hash,
    salt: `0x${randomBytes(32).toString("hex")}`,
    recordTime: recordTime.toISOString(),
    actor: actorId,
  });
  assertStorableBody(body);
  return {
    _id: new Types.ObjectId(),
    batchId: subject._id,
    ...(ledger.subject ? { subject: ledger.subject } : {}),
    seq: subject.head.seq + 1,
    type: facts.type,
    actorId: new Types.ObjectId(actorId),
    ...recordedBy(),
    eventTime: new Date(facts.eventTime),
    recordTime,
    hash: computeEventHash(body),
    prevHash: subject.head.hash,
    body,
    anchor: null,
  };
}

/** The member or API key of the request recording the event (nothing outside a request). */
function recordedBy(): Pick<TraceEventDoc, "recordedBy"> {
  const principal = currentPrincipal();
  return principal ? { recordedBy: { kind: principal.kind, id: new Types.ObjectId(principal.id) } } : {};
}
