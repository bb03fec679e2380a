import { createHash } from "node:crypto";
import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import type { ImportJobDoc } from "./data/import-job.model";
import { ImportJobRepository } from "./data/import-job.repository";
import { AppError, ConflictError, NotFoundError } from "../../platform/errors";
import type { Logger } from "../../platform/logger";
import type { UseCaseContext } from "../ledger";
import {
  ApplyFailure,
  applyPlan,
  findStoredEvent,
  storedStep,
  derivedBatchId,
  planSteps,
  type StoredStep,
  type PlanStep,
  type RecordingActor,
} from "../ingest";
import type { FileRow, ImportFile, ImportFileLimits } from "./import-file";
import type { ImportFileTask } from "./import-file.task";
import { runOffThread } from "../../platform/threads/off-thread-pool";
import { timeSlicer } from "../../platform/threads/time-slice";
import { headerErrors, stepForRow, type RowError } from "./import-rows";

/**
 * Spreadsheet import (docs/import-format.md). The whole file is checked first, exactly as a dry
 * run does, and nothing is stored if any row has a problem. A real run then stores the rows in
 * file order in the background, recording its progress; the file's SHA-256 identifies the import,
 * so uploading the same file again reports it, or resumes it after an interruption: rows already
 * stored are skipped (each row's event carries `data.import = { file, row }`), none twice.
 */
const CHUNK = 500;
const CONCURRENCY = 8;
export const IMPORT_STALE_MS = 30_000;

export class ImportRejectedError extends AppError {
  constructor(errors: RowError[], rows: number) {
    const rowsWithErrors = new Set(errors.map((error) => error.row)).size;
    super("IMPORT_REJECTED", `${rowsWithErrors} of ${rows} rows have problems; nothing was stored`, 422, {
      errors,
    });
  }
}

export interface DryRunReport {
  dryRun: true;
  valid: boolean;
  fileHash: string;
  rows: number;
  batches: number;
  events: number;
  errors: RowError[];
  previousImport?: { importId: string; state: string };
}

export type ImportOutcome =
  | { status: 200; body: DryRunReport | ReturnType<typeof importView> }
  | { status: 202; body: ReturnType<typeof importView>; completion: Promise<void> };

export async function importFile(
  ctx: UseCaseContext,
  actor: RecordingActor,
  request: { bytes: Buffer; fileName: string; dryRun: boolean },
  options: { logger?: Logger; limits: ImportFileLimits },
): Promise<ImportOutcome> {
  const fileHash = createHash("sha256").update(request.bytes).digest("hex");
  // Parsed in the worker pool: seconds of CPU for a big file, and zip bombs are refused there.
  const file = await runOffThread<ImportFileTask, ImportFile>(
    { filename: require.resolve("./import-file.task"), name: "parseImportFile" },
    { bytes: request.bytes, fileName: request.fileName, limits: options.limits },
  );
  const header = headerErrors(file.columns);
  if (header.length > 0) throw new ImportRejectedError(header, file.rows.length);
  const existing = await new ImportJobRepository(ctx.connection).findByFile(actor.orgId, fileHash);
  if (!request.dryRun && existing?.state === "done") return { status: 200, body: importView(existing, true) };
  if (!request.dryRun && existing?.state === "running" && !isStale(ctx, existing)) {
    return { status: 202, body: importView(existing, true), completion: Promise.resolve() };
  }
  const resume = request.dryRun || existing?.state === "done" ? undefined : existing;
  const jobId = resume?._id ?? new Types.ObjectId();
  const written = resume?.written ?? 0;
  const pending = file.rows.slice(written);
  const { steps, errors } = await rowSteps(pending, fileHash);
  const window = new Set(pending.slice(0, CHUNK).map((row) => row.row));
  const plan = await planSteps(ctx, actor, steps, {
    batchIdFor: (row) => derivedBatchId(jobId, row),
    ...(resume
      ? {
          alreadyStored: (step: PlanStep, batchId: string) => storedRow(ctx, step, batchId, fileHash, window),
        }
      : {}),
  });
  errors.push(
    ...plan.problems.map((problem) => ({ row: problem.index, code: problem.code, problem: problem.message })),
  );
  errors.sort((a, b) => a.row - b.row);
  const batches = plan.ops.filter((op) => op.kind === "register").length;
  if (request.dryRun) {
    return {
      status: 200,
      body: {
        dryRun: true,
        valid: errors.length === 0,
        fileHash,
        rows: file.rows.length,
        batches,
        events: plan.ops.length - batches,
        errors,
        ...(existing
          ? { previousImport: { importId: existing._id.toHexString(), state: existing.state } }
          : {}),
      },
    };
  }
  if (errors.length > 0) throw new ImportRejectedError(errors, file.rows.length);

  const job = await claimJob(ctx, actor, resume, {
    jobId,
    fileHash,
    fileName: request.fileName,
    rows: file.rows.length,
  });
  const ordinal = new Map(file.rows.map((row, position) => [row.row, position]));
  await recordProgress(ctx, jobId, plan.stored, written);
  const completion = applyPlan(ctx, actor, plan.ops, {
    chunkSize: CHUNK,
    concurrency: CONCURRENCY,
    onChunk: (stored) =>
      recordProgress(ctx, jobId, stored, ordinal.get(stored[stored.length - 1].index)! + 1),
  }).then(
    () => finish(ctx, jobId, { state: "done", written: file.rows.length, failure: null }),
    async (error: unknown) => {
      if (error instanceof ApplyFailure) {
        await recordProgress(ctx, jobId, error.stored, undefined);
        await finish(ctx, jobId, {
          state: "failed",
          failure: { row: error.index, code: error.code, message: error.message },
        });
      } else {
        options.logger?.error({ err: error, importId: jobId.toHexString() }, "import stopped");
        await finish(ctx, jobId, {
          state: "failed",
          failure: { row: 0, code: "INTERNAL", message: "internal error; see the service log" },
        });
      }
    },
  );
  return { status: 202, body: importView(job, false), completion };
}

export async function getImport(ctx: UseCaseContext, actor: RecordingActor, importId: string) {
  const job = await new ImportJobRepository(ctx.connection).findById(importId);
  const seesAll = actor.roles.includes("admin") || actor.roles.includes("auditor");
  if (!job || (!seesAll && job.orgId.toHexString() !== actor.orgId))
    throw new NotFoundError("import", importId);
  return importView(job, false);
}

export function importView(job: ImportJobDoc, replayed: boolean) {
  return {
    importId: job._id.toHexString(),
    state: job.state,
    replayed,
    fileName: job.fileName,
    fileHash: job.fileHash,
    rows: job.rows,
    written: job.written,
    batches: job.counts.batches,
    events: job.counts.events,
    ...(job.failure ? { failure: job.failure } : {}),
    createdAt: new Date(job.createdAt).toISOString(),
    ...(job.finishedAt ? { finishedAt: new Date(job.finishedAt).toISOString() } : {}),
  };
}

export type ImportView = ReturnType<typeof importView>;

async function rowSteps(rows: FileRow[], fileHash: string) {
  const steps: PlanStep[] = [];
  const errors: RowError[] = [];
  const pause = timeSlicer();
  for (const row of rows) {
    await pause();
    const result = stepForRow(row, { file: fileHash });
    if ("errors" in result) errors.push(...result.errors);
    else steps.push(result.step);
  }
  return { steps, errors };
}

async function claimJob(
  ctx: UseCaseContext,
  actor: RecordingActor,
  resume: ImportJobDoc | undefined | null,
  fields: { jobId: Types.ObjectId; fileHash: string; fileName: string; rows: number },
): Promise<ImportJobDoc> {
  const jobs = new ImportJobRepository(ctx.connection);
  const now = ctx.now();
  if (resume) {
    const taken = await jobs.resume(resume, now);
    if (taken) return taken;
  } else {
    const orgId = new Types.ObjectId(actor.orgId);
    const job: ImportJobDoc = {
      _id: fields.jobId,
      orgId,
      fileHash: fields.fileHash,
      fileName: fields.fileName,
      state: "running",
      rows: fields.rows,
      written: 0,
      counts: { batches: 0, events: 0 },
      failure: null,
      heartbeatAtMs: now.getTime(),
      createdAt: now,
    };
    if (await jobs.claimNew(job)) return job;
  }
  throw new ConflictError("this file is being imported by another request; retry later");
}

async function recordProgress(
  ctx: UseCaseContext,
  jobId: Types.ObjectId,
  stored: StoredStep[],
  written?: number,
) {
  const batches = stored.filter((item) => item.createdBatch).length;
  await new ImportJobRepository(ctx.connection).recordProgress(
    jobId,
    { batches, events: stored.length - batches },
    ctx.now(),
    written,
  );
}

async function finish(ctx: UseCaseContext, jobId: Types.ObjectId, fields: Partial<ImportJobDoc>) {
  await new ImportJobRepository(ctx.connection).finish(jobId, fields, ctx.now());
}

/** A row of the uncertain window (the chunk in flight when a run died) found already stored. */
async function storedRow(
  ctx: UseCaseContext,
  step: PlanStep,
  batchId: string,
  fileHash: string,
  window: Set<number>,
): Promise<StoredStep | null> {
  if (!window.has(step.index)) return null;
  const batch = await new BatchRepository(ctx.connection).findById(batchId);
  const event = await findStoredEvent(ctx, batch, {
    "body.data.import.file": fileHash,
    "body.data.import.row": step.index,
  });
  return event ? storedStep(step.index, batchId, event, step.kind === "register") : null;
}

function isStale(ctx: UseCaseContext, job: ImportJobDoc): boolean {
  return ctx.now().getTime() - job.heartbeatAtMs > IMPORT_STALE_MS;
}
