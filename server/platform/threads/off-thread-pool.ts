import os from "node:os";
import path from "node:path";
import Piscina from "piscina";
import { AppError, DependencyUnavailableError } from "../errors";
import { type OffThreadResult, toAppError } from "./off-thread-result";

/**
 * One piscina pool for the CPU-heavy work of requests (label PDFs, spreadsheet parsing, EPCIS
 * document checks; decision 0021), so that no request holds the event loop. Each task is a named
 * export of a `*.task.ts` file of its module; the pool knows no module.
 *
 * Sized for the machine: one core stays with the event loop, so a 2-core host runs one worker and
 * heavy requests queue behind each other instead of starving /healthz. Each worker's heap is
 * capped, so a file that explodes while parsing kills its worker (answered 413), not the service.
 * Workers load TypeScript through ts-node when the service itself runs under ts-node, the compiled
 * JavaScript under `npm run build` (the task file is resolved with the running file's extension).
 */
const WORKER_HEAP_MB = 512;
const IDLE_MS = 60_000;

let pool: Piscina | undefined;

function sharedPool(): Piscina {
  if (pool) return pool;
  const underTsNode = path.extname(__filename) === ".ts";
  const threads = Math.max(1, Math.min(4, os.availableParallelism() - 1));
  pool = new Piscina({
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: IDLE_MS,
    // A burst past this many waiting tasks is answered 503 rather than held in memory.
    maxQueue: threads * 16,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    execArgv: underTsNode ? ["--require", require.resolve("ts-node/register/transpile-only")] : [],
  });
  return pool;
}

/** Where a task lives: the absolute path of its file (resolve it with `require.resolve`) and export. */
export interface OffThreadTask {
  filename: string;
  name: string;
}

/**
 * Runs `task` (a function wrapped in `offThreadTask`) with `input` in the pool. Its AppErrors (a
 * 413, a 422) are thrown here again as such. The buffers in `transfer` move to the worker instead of
 * being copied on the event loop (a 14 MB capture's copy held it 80 ms); they are unusable here after.
 */
export async function runOffThread<Input, Output>(
  task: OffThreadTask,
  input: Input,
  { transfer = [] }: { transfer?: ArrayBuffer[] } = {},
): Promise<Output> {
  const result = await runInPool<Input, OffThreadResult<Output>>(task, input, transfer);
  if ("offThreadError" in result) throw toAppError(result.offThreadError);
  return result.offThreadValue;
}

async function runInPool<Input, Output>(
  task: OffThreadTask,
  input: Input,
  transferList: ArrayBuffer[],
): Promise<Output> {
  const running = sharedPool();
  if (running.queueSize >= running.options.maxQueue) {
    throw new DependencyUnavailableError("the service is busy with heavy requests; retry in a few seconds");
  }
  try {
    return (await running.run(input, { ...task, transferList })) as Output;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") {
      throw new AppError(
        "WORK_TOO_LARGE",
        `the request needs more than the ${WORKER_HEAP_MB} MB a worker may use; send less at a time`,
        413,
        undefined,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Stops the workers (service shutdown, end of a test run). */
export async function closeOffThreadPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}

/**
 * The buffer behind `bytes` when `bytes` is all of it, so that it can be transferred: a small
 * Buffer is a slice of a shared pool, which must never be detached.
 */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer[] {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}
