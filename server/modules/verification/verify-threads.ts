import fs from "node:fs";
import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
import { Wallet } from "ethers";
import { Types, type Connection } from "mongoose";
import { merkleTreeFromParts } from "../../platform/crypto/merkle";
import { inSharedMemory } from "../../platform/threads/shared-memory";
import { AppError } from "../../platform/errors";
import { connectChain, type ChainClient } from "../../platform/evm/chain-client";
import { announceRegistryWrite, onRegistryWrite } from "../../platform/evm/registry-writes";
import type { Logger } from "../../platform/logger";
import { connectDatabase } from "../../platform/mongo/database";
import { startModuleThread } from "../../platform/threads/module-thread";
import { BatchVerifier, verifyAnswer, type VerifyAnswer } from "./verify";
import { WindowTrees, type WindowOfTree } from "./batch-records";
import { forgetChainAnswers, onChainAnswersForgotten } from "./verify-chain-reader";
import type { ExaminationCache } from "./examination-cache";

/** What a verification thread connects to: the service's own database and chain. */
export interface VerifyThreadSettings {
  databaseUri: string;
  embeddedDatabase: boolean;
  rpcUrl: string;
  registryAddress: string;
  publicBaseUrl: string;
}

type ToThread =
  | { kind: "verify"; id: number; publicId: string }
  | { kind: "window-tree"; id: number; tree: SharedWindowTree }
  | { kind: "window-tree-failed"; id: number; error: ThreadError }
  | { kind: "forget-chain-answers" }
  | { kind: "registry-written" };

type FromThread =
  | { kind: "ready"; tid?: number }
  | { kind: "window-tree"; id: number; window: { id: string; root: string | null; leafCount: number } }
  | { kind: "answer"; id: number; answer: VerifyAnswer; examinations: ExaminationCounts }
  | { kind: "failed"; id: number; error: ThreadError };

interface ThreadError {
  message: string;
  app?: { code: string; httpStatus: number; details?: unknown };
}

/** A window's tree and event ids in shared memory: every thread reads the event loop's copy. */
interface SharedWindowTree {
  values: Uint8Array;
  nodes: Uint8Array;
  treeIndexes: Uint32Array;
  eventIds: Uint8Array;
}

type ExaminationCounts = ExaminationCache["counts"];

/**
 * A verification allocates a few MB (decoded events, canonical JSON, the bundle) and 8 clients keep
 * several in flight per thread: with the default young generation (16 MB semi-spaces) their
 * scavenges promote what requests in flight still hold. 96 MB (32 MB semi-spaces) gave the
 * throughput of 192 MB with less RSS (decision 0046).
 */
const VERIFY_THREAD_YOUNG_GENERATION_MB = 96;

interface Thread {
  worker: Worker;
  tid?: number;
  /** The thread's examination counts as of its latest answer. */
  examinations: ExaminationCounts;
  pending: Map<number, { resolve(answer: VerifyAnswer): void; reject(error: unknown): void }>;
}

/**
 * `GET /api/verify` answered in worker threads, each a verifier of its own (database connection,
 * chain reader, caches) like another instance of the service (decision 0045). A first verification
 * is ~4 CPU ms of hashing, decoding and examination on one thread; in the event loop it capped
 * the service at the one core the loop runs on (issue 15: ~200 verifies/s at 100,000 events with
 * the second core two-thirds idle). The loop now only parses the request and writes the answer.
 *
 * A request goes to the thread with the fewest in flight. Window trees come from the event loop's
 * verifier in shared memory (built once, not once per thread). Chain answers the process learns
 * are stale (a reset seen by the anchoring worker, a registry write it had mined) are forwarded to
 * every thread, as to the loop's own reader. A thread that dies fails the requests it held (500,
 * logged) and is replaced; while no thread serves (starting, restarting) the loop verifies.
 */
export class VerifyThreads {
  /** Threads serving requests. */
  private readonly threads: Thread[] = [];
  /** Every thread started and not yet exited, serving or still connecting. */
  private readonly workers = new Set<Worker>();
  private nextId = 1;
  private turn = 0;
  private closed = false;

  private constructor(
    private readonly settings: VerifyThreadSettings,
    private readonly trees: WindowTrees,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts `count` threads; they connect in the background (a few seconds under ts-node), and
   * until one serves, `verifyPublic` says so and the route verifies in the event loop.
   */
  static start(
    count: number,
    settings: VerifyThreadSettings,
    loop: { chain: ChainClient; trees: WindowTrees },
    logger: Logger,
  ): VerifyThreads {
    const pool = new VerifyThreads(settings, loop.trees, logger);
    for (let index = 0; index < count; index++) pool.startThread();
    onChainAnswersForgotten(loop.chain, () => pool.broadcast({ kind: "forget-chain-answers" }));
    onRegistryWrite(loop.chain, () => pool.broadcast({ kind: "registry-written" }));
    return pool;
  }

  /** Resolves once every thread started serves (tests and benchmarks that measure the threads). */
  async serving(): Promise<void> {
    while (this.threads.length < this.workers.size) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.threads.length === 0) throw new Error("no verification thread is running");
  }

  /** The serving threads' kernel thread ids (Linux; benchmarks split CPU time by thread). */
  get threadIds(): number[] {
    return this.threads.flatMap((thread) => (thread.tid === undefined ? [] : [thread.tid]));
  }

  /** How many verifications the serving threads computed and how many reused an examination (benchmarks). */
  get examinationCounts(): ExaminationCounts {
    const counts = { reused: 0, computed: 0 };
    for (const { examinations } of this.threads) {
      counts.reused += examinations.reused;
      counts.computed += examinations.computed;
    }
    return counts;
  }

  /** The answer from the least busy thread; undefined when none is serving (starting, or restarting). */
  verifyPublic(publicId: string): Promise<VerifyAnswer> | undefined {
    if (this.threads.length === 0) return undefined;
    // The least busy thread, ties taken in turn (so that every thread's caches warm up).
    const start = this.turn++ % this.threads.length;
    let thread = this.threads[start];
    for (let offset = 1; offset < this.threads.length; offset++) {
      const candidate = this.threads[(start + offset) % this.threads.length];
      if (candidate.pending.size < thread.pending.size) thread = candidate;
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ kind: "verify", id, publicId } satisfies ToThread);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.threads.splice(0);
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  /**
   * A thread's window tree, from the event loop's trees (those the anchoring worker built, or one
   * rebuilt from the stored leaves once for every thread): a window of 10,000 leaves costs ~60 ms
   * to read and hash, which each thread would otherwise pay for each window.
   */
  private async sendWindowTree(
    worker: Worker,
    { id, window }: Extract<FromThread, { kind: "window-tree" }>,
  ): Promise<void> {
    try {
      const of = { _id: new Types.ObjectId(window.id), root: window.root, leafCount: window.leafCount };
      const { tree, eventIds } = await this.trees.get(of);
      // Trees and event ids are built in shared memory (merkle.ts, batch-records.ts): no copy.
      const { values, nodes, treeIndexes } = tree.parts;
      const shared = {
        values: inSharedMemory(values),
        nodes: inSharedMemory(nodes),
        treeIndexes: inSharedMemory(treeIndexes),
        eventIds: inSharedMemory(eventIds),
      };
      worker.postMessage({ kind: "window-tree", id, tree: shared } satisfies ToThread);
    } catch (error) {
      worker.postMessage({ kind: "window-tree-failed", id, error: threadError(error) } satisfies ToThread);
    }
  }

  private broadcast(message: ToThread): void {
    for (const thread of this.threads) thread.worker.postMessage(message);
  }

  private startThread(): void {
    const worker = startModuleThread(__filename, "serveVerification", this.settings, {
      resourceLimits: { maxYoungGenerationSizeMb: VERIFY_THREAD_YOUNG_GENERATION_MB },
    });
    const thread: Thread = { worker, pending: new Map(), examinations: { reused: 0, computed: 0 } };
    this.workers.add(worker);
    worker.unref(); // a service that was not closed still lets its process exit
    worker.on("message", (message: FromThread) => {
      if (message.kind === "ready") {
        thread.tid = message.tid;
        this.threads.push(thread);
        if (this.threads.length === this.workers.size)
          this.logger.info({ threads: this.threads.length }, "verification threads serving");
        return;
      }
      if (message.kind === "window-tree") return void this.sendWindowTree(worker, message);
      const request = thread.pending.get(message.id);
      thread.pending.delete(message.id);
      if (message.kind === "answer") {
        thread.examinations = message.examinations;
        request?.resolve(message.answer);
      } else request?.reject(revived(message.error));
    });
    worker.on("error", (error) => this.logger.error({ err: error }, "verification thread failed"));
    worker.on("exit", (code) => {
      this.workers.delete(worker);
      const failure = new Error(`verification thread exited (code ${code})`);
      for (const request of thread.pending.values()) request.reject(failure);
      const index = this.threads.indexOf(thread);
      if (index < 0) return; // never served (could not connect): it would fail again
      this.threads.splice(index, 1);
      if (!this.closed) this.startThread();
    });
  }
}

/** The thread side: one verifier, answering each request with what the route sends. */
export function serveVerification(): void {
  if (isMainThread || !parentPort)
    throw new Error("serveVerification runs inside a verification thread only");
  const port = parentPort;
  const settings = (workerData as { data: VerifyThreadSettings }).data;
  const send = (message: FromThread) => port.postMessage(message);
  const treeRequests = new Map<
    number,
    { resolve(tree: SharedWindowTree): void; reject(error: unknown): void }
  >();
  let nextTreeRequest = 1;
  const askTree = (window: WindowOfTree) =>
    new Promise<SharedWindowTree>((resolve, reject) => {
      const id = nextTreeRequest++;
      treeRequests.set(id, { resolve, reject });
      send({
        kind: "window-tree",
        id,
        window: { id: window._id.toHexString(), root: window.root, leafCount: window.leafCount },
      });
    });
  const ready = (async () => {
    const connection = await connectDatabase(settings.databaseUri, { embedded: settings.embeddedDatabase });
    const chain = await connectChain({
      rpcUrl: settings.rpcUrl,
      registryAddress: settings.registryAddress,
      // The thread only reads: its chain client carries a throwaway key, never the service's.
      signer: { privateKey: Wallet.createRandom().privateKey },
    });
    const verifier = new BatchVerifier(
      { useCaseContext: { connection, now: () => new Date() }, chain, publicBaseUrl: settings.publicBaseUrl },
      new TreesFromLoop(connection, askTree),
    );
    return { chain, verifier };
  })();
  // A thread that cannot connect exits with the error (logged by the pool). It serves once its
  // ledger map is built: a first request would otherwise wait seconds for it at 1M events.
  void ready.then(async ({ verifier }) => {
    await verifier.warm().catch(() => undefined); // a request will build it then
    send({ kind: "ready", tid: kernelThreadId() });
  });
  port.on("message", (message: ToThread) => {
    if (message.kind === "window-tree" || message.kind === "window-tree-failed") {
      const request = treeRequests.get(message.id);
      treeRequests.delete(message.id);
      if (message.kind === "window-tree") request?.resolve(message.tree);
      else request?.reject(revived(message.error));
      return;
    }
    void ready.then(async ({ chain, verifier }) => {
      if (message.kind === "forget-chain-answers") return forgetChainAnswers(chain);
      if (message.kind === "registry-written") return announceRegistryWrite(chain);
      try {
        const answer = verifyAnswer(message.publicId, await verifier.verifyPublic(message.publicId));
        send({ kind: "answer", id: message.id, answer, examinations: verifier.examinations.counts });
      } catch (error) {
        send({ kind: "failed", id: message.id, error: threadError(error) });
      }
    });
  });
}

/** Window trees as the event loop has them (its own, or built there once for every thread). */
class TreesFromLoop extends WindowTrees {
  constructor(
    connection: Connection,
    private readonly ask: (window: WindowOfTree) => Promise<SharedWindowTree>,
  ) {
    super(connection);
  }

  protected override async build(window: WindowOfTree) {
    const shared = await this.ask(window);
    const values = Buffer.from(shared.values.buffer, shared.values.byteOffset, shared.values.length);
    const nodes = Buffer.from(shared.nodes.buffer, shared.nodes.byteOffset, shared.nodes.length);
    const tree = merkleTreeFromParts({ values, nodes, treeIndexes: shared.treeIndexes });
    return { tree, eventIds: shared.eventIds };
  }
}

/** This thread's id in /proc (Linux), undefined elsewhere. */
function kernelThreadId(): number | undefined {
  try {
    return Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return undefined;
  }
}

/** An error as it crosses to the event loop: an AppError keeps its code, status and details. */
function threadError(error: unknown): ThreadError {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof AppError
    ? { message, app: { code: error.code, httpStatus: error.httpStatus, details: error.details } }
    : { message };
}

function revived({ message, app }: ThreadError): Error {
  return app ? new AppError(app.code, message, app.httpStatus, app.details) : new Error(message);
}
