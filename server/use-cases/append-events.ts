import type { BatchDoc } from "../data-access/batch.model";
import type { TraceEventDoc } from "../data-access/trace-event.model";
import type { EventFacts } from "../domain/event-body";
import { ConflictError } from "../errors";
import {
  BATCH_CHAIN,
  buildEventDoc,
  materializeHead,
  readSubject,
  type AppendContext,
  type AppendGuard,
} from "./append-event";
import { encodeCommit, insertCommitted } from "./commit-events";

const MAX_ATTEMPTS = 200;

/**
 * Appends several events to one batch's hash chain in one commit: a single compare-and-set moves
 * the head from n to n+k, so concurrent writers (single or bulk) never fork, skip or repeat a
 * sequence number, and the k events get consecutive ones. All or nothing: each event's guard runs
 * in order against the batch as the events before it leave it (a recall blocks a later sale), and
 * any refusal refuses them all. The commit carries copies of all k events (`lastEvents`, see
 * commit-events.ts), so a writer that dies before inserting them leaves no hole; once they are
 * inserted the copies are removed, keeping the batch document small.
 */
export async function appendEvents(
  ctx: AppendContext,
  batchId: string,
  actorId: string,
  facts: EventFacts[],
  guards: AppendGuard[],
): Promise<TraceEventDoc[]> {
  const batches = BATCH_CHAIN.collection(ctx.connection);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const cached = attempt === 1 ? ctx.heads?.get(batchId) : undefined;
    const batch = cached ?? (await readSubject<BatchDoc>(ctx, BATCH_CHAIN, batchId));
    if (!cached) await materializeHead(ctx, batch);
    let changes: NonNullable<ReturnType<AppendGuard>>;
    try {
      changes = applyGuards(batch, guards);
    } catch (refusal) {
      // As in appendEvent: only the database copy may refuse, a cached one can be stale.
      if (!cached) throw refusal;
      ctx.heads?.delete(batchId);
      continue;
    }
    const events = chainEvents(ctx, batch, actorId, facts);
    const last = events[events.length - 1];
    const head = { seq: last.seq, hash: last.hash, eventId: last._id };
    const committed = await batches.updateOne(
      { _id: batch._id, "head.seq": batch.head.seq },
      { $set: { ...changes, head, lastEvent: last, lastEvents: encodeCommit(events) } },
    );
    if (committed.modifiedCount === 1) {
      const { lastEvents: _copies, ...kept } = batch;
      ctx.heads?.set({ ...kept, ...changes, head, lastEvent: last as unknown as Record<string, unknown> });
      await insertCommitted(ctx.connection, events, { knownMissing: true });
      await batches.updateOne({ _id: batch._id, "head.eventId": last._id }, { $unset: { lastEvents: "" } });
      return events;
    }
    ctx.heads?.delete(batchId);
    if (attempt > 1)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 20)));
  }
  throw new ConflictError(`batch ${batchId} is being changed by too many writers; retry the request`);
}

/** Runs each guard against the batch as the changes of the events before it leave it. */
function applyGuards(batch: BatchDoc, guards: AppendGuard[]): NonNullable<ReturnType<AppendGuard>> {
  let changes: NonNullable<ReturnType<AppendGuard>> = {};
  for (const guard of guards)
    changes = { ...changes, ...(guard({ ...batch, ...changes } as BatchDoc) ?? {}) };
  return changes;
}

/** The event documents for `facts`, chained one after the other from the batch's head. */
function chainEvents(ctx: AppendContext, batch: BatchDoc, actorId: string, facts: EventFacts[]) {
  const events: TraceEventDoc[] = [];
  let tip: Pick<BatchDoc, "_id" | "head"> = batch;
  for (const fact of facts) {
    const event = buildEventDoc(ctx, BATCH_CHAIN, tip, actorId, fact);
    events.push(event);
    tip = { _id: batch._id, head: { seq: event.seq, hash: event.hash, eventId: event._id } };
  }
  return events;
}
