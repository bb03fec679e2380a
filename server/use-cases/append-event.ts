import { randomBytes } from "node:crypto";
import { Types, type Connection, type UpdateQuery } from "mongoose";
import { batchModel, type BatchDoc } from "../data-access/batch.model";
import { traceEventModel, type TraceEventDoc } from "../data-access/trace-event.model";
import { buildEventBody, type EventFacts } from "../domain/event-body";
import { computeEventHash, ZERO_HASH } from "../domain/event-hash";
import { ConflictError, NotFoundError } from "../errors";
import type { BatchHeadCache } from "./batch-head-cache";

const MAX_ATTEMPTS = 200;

export interface AppendContext {
  connection: Connection;
  now(): Date;
  /** Optional cache of batch versions; saves the read before each compare-and-set. */
  heads?: BatchHeadCache;
}

/**
 * Checks a batch before an append and says what else changes with it (status, holder...).
 * Throws an AppError to refuse. Runs again on every retry, against the batch as it is then.
 */
export type AppendGuard = (batch: BatchDoc) => UpdateQuery<BatchDoc>["$set"] | void;

/**
 * Appends one event to a batch's hash chain. The commit point is a compare-and-set on the batch
 * head (seq n → n+1), so concurrent appends never fork, skip or repeat a sequence number; the
 * losing writer re-reads the head and retries. The committed event is copied into the batch
 * (`lastEvent`) in that same write, so if the process dies before inserting it, the next append
 * (or the start-up repair) inserts it from the batch: the chain never keeps a hole.
 */
export async function appendEvent(
  ctx: AppendContext,
  batchId: string,
  actorId: string,
  facts: EventFacts,
  guard: AppendGuard = () => undefined,
): Promise<TraceEventDoc> {
  const batches = batchModel(ctx.connection).collection;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const cached = attempt === 1 ? ctx.heads?.get(batchId) : undefined;
    const batch = cached ?? (await readBatch(ctx, batchId));
    // A batch read from the database may have been committed by a writer that died before
    // inserting its event: put that event in place before chaining onto it. A cached batch was
    // last written by this process, which inserted its event before returning.
    if (!cached) await materializeHead(ctx, batch);
    let extraChanges: NonNullable<ReturnType<AppendGuard>>;
    try {
      extraChanges = guard(batch) ?? {};
    } catch (refusal) {
      // Only the database copy may refuse: a cached one can be stale (another instance wrote).
      if (!cached) throw refusal;
      ctx.heads?.delete(batchId);
      continue;
    }
    const event = buildEventDoc(ctx, batch, actorId, facts);
    const head = { seq: event.seq, hash: event.hash, eventId: event._id };
    const committed = await batches.updateOne(
      { _id: batch._id, "head.seq": batch.head.seq },
      { $set: { ...extraChanges, head, lastEvent: event } },
    );
    if (committed.modifiedCount === 1) {
      ctx.heads?.set({
        ...batch,
        ...extraChanges,
        head,
        lastEvent: event as unknown as Record<string, unknown>,
      });
      await insertCommittedEvent(ctx, event);
      return event;
    }
    ctx.heads?.delete(batchId);
    if (attempt > 1)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
  }
  throw new ConflictError(`batch ${batchId} is being changed by too many writers; retry the request`);
}

/**
 * Inserts an event this writer committed. Another writer may already have put it in place from
 * the batch's `lastEvent` copy (see materializeHead): that copy is the same document, so a
 * duplicate-key answer means the work is done.
 */
async function insertCommittedEvent(ctx: AppendContext, event: TraceEventDoc): Promise<void> {
  try {
    await traceEventModel(ctx.connection).collection.insertOne(event);
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}

/** Inserts the batch's newest committed event if it is missing (idempotent upsert by id). */
export async function materializeHead(
  ctx: AppendContext,
  batch: Pick<BatchDoc, "lastEvent">,
): Promise<boolean> {
  const event = batch.lastEvent as unknown as TraceEventDoc | undefined;
  if (!event?._id) return false;
  const result = await traceEventModel(ctx.connection).collection.updateOne(
    { _id: event._id },
    { $setOnInsert: event },
    { upsert: true },
  );
  return result.upsertedCount === 1;
}

async function readBatch(ctx: AppendContext, batchId: string): Promise<BatchDoc> {
  const batch = await batchModel(ctx.connection).findById(batchId).lean<BatchDoc>();
  if (!batch) throw new NotFoundError("batch", batchId);
  return batch;
}

/** Builds the event document for the first event of a new batch (its commissioning). */
export function buildFirstEvent(
  ctx: AppendContext,
  batchId: Types.ObjectId,
  actorId: string,
  facts: EventFacts,
): TraceEventDoc {
  return buildEventDoc(
    ctx,
    { _id: batchId, head: { seq: 0, hash: ZERO_HASH, eventId: batchId } },
    actorId,
    facts,
  );
}

function buildEventDoc(
  ctx: AppendContext,
  batch: Pick<BatchDoc, "_id" | "head">,
  actorId: string,
  facts: EventFacts,
): TraceEventDoc {
  const recordTime = ctx.now();
  const body = buildEventBody(facts, {
    batchId: batch._id.toHexString(),
    seq: batch.head.seq + 1,
    prevHash: batch.head.hash,
    salt: `0x${randomBytes(32).toString("hex")}`,
    recordTime: recordTime.toISOString(),
    actor: actorId,
  });
  return {
    _id: new Types.ObjectId(),
    batchId: batch._id,
    seq: body.seq,
    type: body.type,
    actorId: new Types.ObjectId(actorId),
    eventTime: new Date(body.eventTime),
    recordTime,
    hash: computeEventHash(body),
    prevHash: body.prevHash,
    body: body as unknown as Record<string, unknown>,
    anchor: null,
  };
}
