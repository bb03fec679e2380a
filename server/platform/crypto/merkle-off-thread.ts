import { isMainThread, parentPort, type Worker } from "node:worker_threads";
import { startModuleThread } from "../threads/module-thread";
import type { Hex } from "./keccak";
import {
  buildMerkleTree,
  buildMerkleTreeParts,
  merkleTreeFromParts,
  packLeaves,
  type MerkleTree,
  type MerkleTreeParts,
} from "./merkle";

/**
 * Builds the anchoring tree in a worker thread when the window is big enough for the hashing
 * (~0.7 s per 100k leaves on the 2-core dev machine) to stall request handling. Below the
 * threshold the stall is short (5000 leaves: ~50 ms) and building inline is cheaper than starting
 * a thread (~0.8 s under ts-node, which the worker must load again; far less for compiled
 * JavaScript). Not pure like the rest of `domain/`: it owns a thread.
 *
 * The caller's thread only parses the hex leaves (~30 ms per 100k); the leaves go to the worker and
 * the nodes and leaf positions come back in shared memory, so nothing is re-hashed or copied. Measured
 * longest event-loop stall during a 100k build: under 0.1 s.
 */
export const MERKLE_OFF_THREAD_THRESHOLD = 5000;

export async function buildMerkleTreeOffThread(
  leaves: readonly Hex[],
  { threshold = MERKLE_OFF_THREAD_THRESHOLD }: { threshold?: number } = {},
): Promise<MerkleTree> {
  if (leaves.length < threshold) return buildMerkleTree(leaves);
  const values = packLeaves(leaves);
  const { nodes, treeIndexes } = await buildPartsInWorker(values);
  return merkleTreeFromParts({ values, nodes, treeIndexes });
}

type BuiltParts = Pick<MerkleTreeParts, "nodes" | "treeIndexes">;

/**
 * One long-lived worker, started on first use (or by warmMerkleWorker at service start) and reused:
 * starting a thread costs ~0.8 s under ts-node, more than building a 100k-leaf tree. It holds the
 * process open only while a build is in flight.
 */
interface SharedWorker {
  worker: Worker;
  pending: Map<number, { resolve(parts: BuiltParts): void; reject(error: unknown): void }>;
  nextId: number;
}

let shared: SharedWorker | undefined;

function sharedWorker(): SharedWorker {
  if (shared) return shared;
  const worker = startModuleThread(__filename, "serveMerkleBuild", undefined);
  const state: SharedWorker = { worker, pending: new Map(), nextId: 1 };
  const failAll = (error: unknown) => {
    if (shared === state) shared = undefined;
    for (const request of state.pending.values()) request.reject(error);
    state.pending.clear();
  };
  worker.on(
    "message",
    ({ id, nodes, treeIndexes }: { id: number; nodes: Uint8Array; treeIndexes: Uint32Array }) => {
      const request = state.pending.get(id);
      state.pending.delete(id);
      if (state.pending.size === 0) worker.unref();
      request?.resolve({ nodes: Buffer.from(nodes.buffer, nodes.byteOffset, nodes.length), treeIndexes });
    },
  );
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`Merkle worker exited (code ${code})`)));
  // After the listeners: adding a "message" listener refs the worker's port again, which kept
  // an idle process (a test run, a script) from ever exiting.
  worker.unref();
  shared = state;
  return state;
}

/** Starts the Merkle worker ahead of the first large window, so that window does not wait for it. */
export function warmMerkleWorker(): void {
  sharedWorker();
}

function buildPartsInWorker(values: Buffer): Promise<BuiltParts> {
  const state = sharedWorker();
  const id = state.nextId++;
  return new Promise((resolve, reject) => {
    state.pending.set(id, { resolve, reject });
    state.worker.ref();
    state.worker.postMessage({ id, values }); // shared memory: the worker only reads it
  });
}

/** The worker side: builds a tree for each request and transfers the result back. */
export function serveMerkleBuild(): void {
  if (isMainThread || !parentPort) throw new Error("serveMerkleBuild runs inside a Merkle worker only");
  const port = parentPort;
  port.on("message", ({ id, values }: { id: number; values: Uint8Array }) => {
    const { nodes, treeIndexes } = buildMerkleTreeParts(
      Buffer.from(values.buffer, values.byteOffset, values.length),
    );
    port.postMessage({ id, nodes, treeIndexes }); // in shared memory (merkle.ts): shared, not copied
  });
}
