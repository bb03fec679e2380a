import { batchModel, type BatchDoc } from "./data/batch.model";
import { NotFoundError } from "../../platform/errors";
import {
  appendToLedger,
  commitToLedger,
  commitChains,
  type AppendGuard,
  type Ledger,
  type UseCaseContext,
  buildEventBody,
  type EventFacts,
  type TraceEventDoc,
} from "../ledger";

/** What a batch event's guard sees: the batch as it is at the compare-and-set. */
export type BatchGuard = AppendGuard<BatchDoc>;

/** The batches' ledger: each batch heads its own hash chain of trace events. */
export const BATCH_LEDGER: Ledger = {
  collection: (connection) => batchModel(connection).collection,
  notFound: (id) => new NotFoundError("batch", id),
  body: (facts, link) =>
    buildEventBody(facts, { ...link, batchId: link.subjectId }) as unknown as Record<string, unknown>,
  heads: (ctx) => ctx.heads,
};

/**
 * Appends one event to a batch's hash chain. The commit point is a compare-and-set on the batch
 * head (seq n → n+1), so concurrent appends never fork, skip or repeat a sequence number; the
 * losing writer re-reads the head and retries. The committed event is copied into the batch
 * (`lastEvent`) in that same write, so if the process dies before inserting it, the next append
 * (or the start-up repair) inserts it from the batch: the chain never keeps a hole.
 */
export function appendEvent(
  ctx: UseCaseContext,
  batchId: string,
  actorId: string,
  facts: EventFacts,
  guard: BatchGuard = () => undefined,
): Promise<TraceEventDoc> {
  return appendToLedger(ctx, BATCH_LEDGER, batchId, actorId, facts, guard);
}

/**
 * Appends several events to one batch's hash chain in one commit: a single compare-and-set moves
 * the head from n to n+k, so concurrent writers (single or bulk) never fork, skip or repeat a
 * sequence number, and the k events get consecutive ones. All or nothing: each event's guard runs
 * in order against the batch as the events before it leave it (a recall blocks a later sale), and
 * any refusal refuses them all. The commit carries copies of all k events (`lastEvents`, see
 * commit-events.ts), so a writer that dies before inserting them leaves no hole; once they are
 * inserted the copies are removed, keeping the batch document small.
 */
export function appendEvents(
  ctx: UseCaseContext,
  batchId: string,
  actorId: string,
  facts: EventFacts[],
  guards: BatchGuard[],
): Promise<TraceEventDoc[]> {
  return commitToLedger(ctx, BATCH_LEDGER, batchId, actorId, facts, guards);
}

/**
 * Appends events to several batches at once (see commitChains): per batch, the same commit as
 * appendEvents. A batch answers `null` when its commit did not take (a guard refused, another
 * writer moved its head): nothing of it was written, and the caller appends to it alone.
 */
export function appendToBatches(
  ctx: UseCaseContext,
  actorId: string,
  commits: { batchId: string; facts: EventFacts[]; guards: BatchGuard[] }[],
): Promise<(TraceEventDoc[] | null)[]> {
  return commitChains(
    ctx,
    BATCH_LEDGER,
    actorId,
    commits.map(({ batchId, facts, guards }) => ({ subjectId: batchId, facts, guards })),
  );
}
