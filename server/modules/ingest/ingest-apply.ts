import { type BatchDoc, appendEvent, registerBatch } from "../batches";
import {
  type TraceEventDoc,
  TraceEventRepository,
  type EventType,
  appendObservation,
  materializeHead,
  type UseCaseContext,
} from "../ledger";
import { AppError, ForbiddenError, UnprocessableError } from "../../platform/errors";
import type { PlannedOp, StoredStep } from "./ingest-plan";
import { appendChanges, appendProblem, type RecordingActor, type RuleBatch } from "./ingest-rules";
import { brandClaims } from "../brands";

/**
 * Carries out a plan: a chunk of steps at a time, steps on different batches concurrently and
 * steps on one batch in order, each append re-checked atomically against the batch as it is then
 * (another writer may have changed it since the plan was made). After each chunk `onChunk` learns
 * how many steps are known to be stored, so that a run that dies resumes from there.
 */
export interface ApplyOptions {
  chunkSize: number;
  concurrency: number;
  onChunk(stored: StoredStep[], done: number): Promise<void>;
}

export class ApplyFailure extends Error {
  constructor(
    readonly index: number,
    readonly code: string,
    message: string,
    /** Steps of the failed chunk that were stored before it stopped. */
    readonly stored: StoredStep[],
  ) {
    super(message);
  }
}

export async function applyPlan(
  ctx: UseCaseContext,
  actor: RecordingActor,
  ops: PlannedOp[],
  options: ApplyOptions,
): Promise<void> {
  for (let start = 0; start < ops.length; start += options.chunkSize) {
    const chunk = ops.slice(start, start + options.chunkSize);
    const groups = new Map<string, PlannedOp[]>();
    for (const op of chunk) {
      // One group per chain, whose steps are applied in order.
      const key =
        op.kind === "register" ? op.batchId.toHexString() : op.kind === "observe" ? op.kind : op.batchId;
      groups.set(key, [...(groups.get(key) ?? []), op]);
    }
    const stored: StoredStep[] = [];
    let failure: { op: PlannedOp; error: unknown } | undefined;
    const queue = [...groups.values()];
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, queue.length) }, async () => {
        for (let group = queue.shift(); group && !failure; group = queue.shift()) {
          for (const op of group) {
            if (failure) break;
            try {
              stored.push(await applyOp(ctx, actor, op));
            } catch (error) {
              failure ??= { op, error };
              break;
            }
          }
        }
      }),
    );
    stored.sort((a, b) => a.index - b.index);
    if (failure) {
      const { op, error } = failure;
      if (!(error instanceof AppError)) throw error;
      throw new ApplyFailure(op.index, error.code, error.message, stored);
    }
    await options.onChunk(stored, start + chunk.length);
  }
}

async function applyOp(ctx: UseCaseContext, actor: RecordingActor, op: PlannedOp): Promise<StoredStep> {
  if (op.kind === "register") {
    const { batch, event } = await registerBatch(ctx, actor.orgId, op.batch, op.derived, brandClaims);
    // This process wrote this version of the batch and inserted its event: the next append can
    // commit without re-reading it (which, on the embedded engine, scans every event).
    ctx.heads?.set(batch);
    return storedStep(op.index, batch._id.toHexString(), event, true);
  }
  if (op.kind === "observe") {
    const event = await appendObservation(ctx, actor.orgId, op.facts);
    return { ...storedStep(op.index, actor.orgId, event, false), observed: op.facts.observed };
  }
  const type = op.facts.type;
  const event = await appendEvent(ctx, op.batchId, actor.orgId, op.facts, (batch: BatchDoc) => {
    const rule = ruleBatch(batch);
    const problem = appendProblem(actor, rule, type, op.consume);
    if (problem?.code === "FORBIDDEN") throw new ForbiddenError(problem.message);
    if (problem) throw new UnprocessableError(problem.code, problem.message);
    return appendChanges(rule, type as EventType, op.consume);
  });
  return storedStep(op.index, op.batchId, event, false);
}

/**
 * The event a step recorded, found by the provenance its data carries (`filter`, on body.data).
 * The batch head is materialised first: the writer may have died between committing the event to
 * the head and inserting it.
 */
export async function findStoredEvent(
  ctx: UseCaseContext,
  batch: BatchDoc | null,
  filter: Record<string, unknown>,
): Promise<TraceEventDoc | null> {
  if (!batch) return null;
  await materializeHead(ctx, batch);
  return new TraceEventRepository(ctx.connection).findOneOf(batch._id, filter);
}

export function storedStep(
  index: number,
  batchId: string,
  event: TraceEventDoc,
  createdBatch: boolean,
): StoredStep {
  return { index, batchId, eventId: event._id.toHexString(), seq: event.seq, hash: event.hash, createdBatch };
}

export function ruleBatch(batch: BatchDoc): RuleBatch {
  return {
    id: batch._id.toHexString(),
    producerId: batch.producerId.toHexString(),
    holderId: batch.holderId.toHexString(),
    status: batch.status,
    available: batch.available,
    unit: batch.quantity.unit,
    pendingTransfer: Boolean(batch.pendingTransferId),
  };
}
