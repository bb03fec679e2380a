import fs from "node:fs";
import path from "node:path";
import type { Worker } from "node:worker_threads";
import type { Logger } from "../../logger";
import { findFreePort } from "../../net/free-port";
import { RestartBackoff } from "../../restart-backoff";
import { startModuleThread } from "../../threads/module-thread";
import type { EngineThreadData, EngineThreadMessage } from "./embedded-mongo-thread";

/** What the embedded engine does not guarantee; logged at start-up and stated in the README. */
export const EMBEDDED_DB_LIMITS = [
  "unique indexes are not enforced (EcoTrace guards uniqueness with atomic conditional updates)",
  "multi-document transactions neither isolate nor roll back",
  "no $text search, no change streams, lookups scan whole collections unless the filter pins _id",
  "durability: every write is journaled before it is acknowledged, but not fsynced (survives kill -9, not power loss)",
];

/**
 * The engine's thread decodes and encodes every command's documents. 192 MB (64 MB semi-spaces) is
 * what it had under the process-wide flag of decision 0044 (larger ones brought full collections
 * of its heap back); with Node's default instead, at 1,000,000 events `/healthz` probes during an
 * anchoring drain waited up to 0.29 s on the database (p99 306 ms, against 115 ms with it; one run
 * each, decision 0046).
 */
const ENGINE_YOUNG_GENERATION_MB = 192;

/** A clean stop compacts the journal into a snapshot; past this the thread is ended anyway. */
const STOP_TIMEOUT_MS = 60_000;

export interface EmbeddedMongo {
  uri: string;
  engine: string;
  /** The thread running the engine now (a restart replaces it). */
  readonly thread: Worker;
  stop(): Promise<void>;
}

/**
 * Starts the pure-JavaScript MongoDB-wire server (CongoDB) with a journaled store in `dir`, in
 * its own worker thread (decision 0027): the engine's queries, journal writes and snapshots are
 * CPU work that would otherwise hold the service's event loop. The service connects over TCP as
 * any client does. An engine thread that dies is logged and started again on the same port with
 * back-off; it replays the journal, so nothing acknowledged is lost, and the driver reconnects.
 * No real `mongod` can be obtained on machines without internet (docs/decisions/0002).
 */
export async function startEmbeddedMongo(options: {
  dir: string;
  port?: number;
  logger?: Logger;
}): Promise<EmbeddedMongo> {
  const storageDir = path.join(options.dir, "mongo");
  const lock = acquireLock(storageDir);
  try {
    const port = options.port || (await findFreePort());
    const supervisor = new EngineSupervisor({ storageDir, port }, lock, options.logger);
    await supervisor.start();
    return supervisor;
  } catch (error) {
    lock.release();
    throw error;
  }
}

class EngineSupervisor implements EmbeddedMongo {
  // The engine answers the streaming heartbeat (`moreToCome`) wrongly; every client must poll
  // (database.ts does in-process). In the URI, so that other processes given it (instances and
  // workers sharing this engine, via db.json) poll too: streaming cleared their connection
  // pools mid-request, and appends answered 500 (test/e2e/several-instances.test.ts).
  readonly uri: string;
  readonly engine =
    "CongoDB (@push.rocks/smartmongo 2.2.0, pure JavaScript, in its own thread) with an EJSON write-ahead journal";
  private current: Worker | undefined;
  private stopping = false;
  private readonly restarts = new RestartBackoff(() => this.restart());

  constructor(
    private readonly data: EngineThreadData,
    private readonly lock: { release(): void },
    private readonly logger: Logger | undefined,
  ) {
    this.uri = `mongodb://127.0.0.1:${data.port}/ecotrace?serverMonitoringMode=poll`;
  }

  get thread(): Worker {
    if (!this.current) throw new Error("the embedded database thread is not running");
    return this.current;
  }

  /** Starts the thread and waits until the engine has replayed its journal and listens. */
  async start(): Promise<void> {
    const thread = startModuleThread(engineThreadEntry(), "serveEmbeddedMongo", this.data, {
      resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
    });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`the embedded database thread exited (code ${code})`));
      thread.once("error", reject);
      thread.once("exit", onExit);
      thread.once("message", (message: EngineThreadMessage) => {
        thread.off("error", reject);
        thread.off("exit", onExit);
        if (message.type === "ready") resolve();
        else
          reject(
            new Error(`the embedded database did not start: ${(message as { message?: string }).message}`),
          );
      });
    }).catch(async (error: unknown) => {
      await thread.terminate();
      throw error;
    });
    this.current = thread;
    this.restarts.started();
    thread.on("error", (error) =>
      this.logger?.error({ err: error.message }, "embedded database thread failed"),
    );
    thread.on("message", (message: EngineThreadMessage) => {
      if (message.type === "compactionFailed")
        this.logger?.error(
          { err: message.message },
          "embedded database compaction failed; its journal keeps every write",
        );
    });
    thread.once("exit", (code) => this.onExit(thread, code));
  }

  /** A bound function, as before the engine had a thread: callers pass `embedded.stop` around. */
  readonly stop = async (): Promise<void> => {
    this.stopping = true;
    this.restarts.cancel();
    const thread = this.current;
    this.current = undefined;
    try {
      if (thread) await stopThread(thread);
    } finally {
      this.lock.release();
    }
  };

  private onExit(thread: Worker, code: number): void {
    if (this.stopping || thread !== this.current) return;
    this.current = undefined;
    this.logger?.error({ code, uri: this.uri }, "embedded database thread died; restarting it");
    this.restarts.died();
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.start();
    } catch (error) {
      this.logger?.error(
        { err: (error as Error).message },
        "embedded database thread did not start; retrying",
      );
      if (!this.stopping) this.restarts.retry();
      return;
    }
    if (this.stopping) {
      await stopThread(this.thread);
      return;
    }
    this.logger?.warn({ uri: this.uri }, "embedded database thread restarted");
  }
}

/** Asks the engine to stop (it writes its snapshot), then ends the thread. */
async function stopThread(thread: Worker): Promise<void> {
  const stopped = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    thread.on("message", (message: EngineThreadMessage) => {
      if (message.type === "stopped" || message.type === "failed") done();
    });
    thread.once("exit", done);
  });
  thread.postMessage({ type: "stop" } satisfies EngineThreadMessage);
  await stopped;
  await thread.terminate();
}

/** The engine thread's module: `.ts` under ts-node, the compiled `.js` under `npm run build`. */
function engineThreadEntry(): string {
  return path.join(__dirname, `embedded-mongo-thread${path.extname(__filename)}`);
}

/** Which live process, if any, holds the embedded database in `dir`. */
export function embeddedMongoOwner(dir: string): number | undefined {
  const lockFile = path.join(dir, "mongo", "LOCK");
  if (!fs.existsSync(lockFile)) return undefined;
  const pid = Number(fs.readFileSync(lockFile, "utf8"));
  return isProcessAlive(pid) ? pid : undefined;
}

/**
 * Two processes journaling into one directory would corrupt it: the first holds a pid lock and a
 * second one fails with a clear message. A lock left by a killed process is taken over.
 */
function acquireLock(storageDir: string): { release(): void } {
  fs.mkdirSync(storageDir, { recursive: true });
  const owner = embeddedMongoOwner(path.dirname(storageDir));
  if (owner !== undefined && owner !== process.pid) {
    throw new Error(`the embedded database in ${storageDir} is in use by process ${owner}`);
  }
  const lockFile = path.join(storageDir, "LOCK");
  fs.writeFileSync(lockFile, String(process.pid));
  return { release: () => fs.rmSync(lockFile, { force: true }) };
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
