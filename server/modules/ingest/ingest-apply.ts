import { type BatchDoc, appendEvent, appendToBatches, registerBatch, registerBatches } from "../batches";
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
 * Carries out a plan: a chunk of steps at a time, steps on different batches together (decision
 * 0038) and steps on one batch in order, each append re-checked atomically against the batch as it
 * is then (another writer may have changed it since the plan was made). After each chunk `onChunk`
 * learns how many steps are known to be stored, so that a run that dies resumes from there.
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
    // Each group's leading registration (or observations) first, then the appends that follow, of
    // every group together: plain registrations and appends each in a few bulk commands for the
    // whole chunk (one or two round trips per op would make them most of an import's time).
    const run: ChunkRun = { stored: [] };
    const registrations: RegisterOp[] = [];
    const leading: PlannedOp[][] = [];
    const appends: AppendOp[][] = [];
    for (const group of groups.values()) {
      const first = group.findIndex((op) => op.kind === "append");
      const rest = first < 0 ? [] : group.slice(first);
      if (!rest.every((op) => op.kind === "append")) {
        leading.push(group);
        continue;
      }
      const lead = group.slice(0, first < 0 ? group.length : first);
      if (lead.length === 1 && isPlainRegistration(lead[0])) registrations.push(lead[0]);
      else leading.push(lead);
      if (rest.length > 0) appends.push(rest);
    }
    await registerTogether(ctx, actor, registrations, run);
    if (!run.failure) await applyGroups(ctx, actor, leading, options.concurrency, run);
    if (!run.failure && appends.length > 0) {
      const refused = await appendTogether(ctx, actor, appends, run);
      // Nothing of a refused group was written: op by op, its earlier steps are stored and the
      // refusal names the step that causes it.
      await applyGroups(ctx, actor, refused, options.concurrency, run);
    }
    run.stored.sort((a, b) => a.index - b.index);
    if (run.failure) {
      const { op, error } = run.failure;
      if (!(error instanceof AppError)) throw error;
      throw new ApplyFailure(op.index, error.code, error.message, run.stored);
    }
    await options.onChunk(run.stored, start + chunk.length);
  }
}

type AppendOp = Extract<PlannedOp, { kind: "append" }>;
type RegisterOp = Extract<PlannedOp, { kind: "register" }>;

/** A registration without a brand to claim or inputs to consume (registerBatches takes those). */
function isPlainRegistration(op: PlannedOp): op is RegisterOp {
  return op.kind === "register" && !op.batch.brand && !op.derived.brand && op.derived.inputs.length === 0;
}

async function registerTogether(
  ctx: UseCaseContext,
  actor: RecordingActor,
  ops: RegisterOp[],
  run: ChunkRun,
): Promise<void> {
  if (ops.length === 0) return;
  const results = await registerBatches(
    ctx,
    actor.orgId,
    ops.map((op) => ({ input: op.batch, derived: op.derived })),
  );
  results.forEach((result, position) => {
    const op = ops[position];
    if (result instanceof Error) return void (run.failure ??= { op, error: result });
    // Written by this process, its event inserted: the appends can commit without re-reading it.
    ctx.heads?.set(result.batch);
    run.stored.push(storedStep(op.index, result.batch._id.toHexString(), result.event, true));
  });
}

interface ChunkRun {
  stored: StoredStep[];
  failure?: { op: PlannedOp; error: unknown };
}

/** Groups concurrently, each group's ops in order; the first failure stops them all. */
async function applyGroups(
  ctx: UseCaseContext,
  actor: RecordingActor,
  groups: PlannedOp[][],
  concurrency: number,
  run: ChunkRun,
): Promise<void> {
  const queue = [...groups];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let group = queue.shift(); group && !run.failure; group = queue.shift()) {
        for (const op of group) {
          if (run.failure) break;
          try {
            run.stored.push(await applyOp(ctx, actor, op));
          } catch (error) {
            run.failure ??= { op, error };
            break;
          }
        }
      }
    }),
  );
}

/** Each group's appends as one commit on its batch, all sent together; returns the groups refused. */
async function appendTogether(
  ctx: UseCaseContext,
  actor: RecordingActor,
  groups: AppendOp[][],
  run: ChunkRun,
): Promise<AppendOp[][]> {
  const results = await appendToBatches(
    ctx,
    actor.orgId,
    groups.map((group) => ({
      batchId: group[0].batchId,
      facts: group.map((op) => op.facts),
      guards: group.map((op) => appendGuard(actor, op)),
    })),
  );
  const refused: AppendOp[][] = [];
  results.forEach((events, position) => {
    const group = groups[position];
    if (!events) return void refused.push(group);
    group.forEach((op, index) => run.stored.push(storedStep(op.index, op.batchId, events[index], false)));
  });
  return refused;
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
  const event = await appendEvent(ctx, op.batchId, actor.orgId, op.facts, appendGuard(actor, op));
  return storedStep(op.index, op.batchId, event, false);
}

/** The append's rules, checked again against the batch as it is at the compare-and-set. */
function appendGuard(actor: RecordingActor, op: AppendOp) {
  const type = op.facts.type;
  return (batch: BatchDoc) => {
    const rule = ruleBatch(batch);
    const problem = appendProblem(actor, rule, type, op.consume);
    if (problem?.code === "FORBIDDEN") throw new ForbiddenError(problem.message);
    if (problem) throw new UnprocessableError(problem.code, problem.message);
    return appendChanges(rule, type as EventType, op.consume);
  };
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
