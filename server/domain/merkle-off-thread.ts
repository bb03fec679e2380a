import path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Hex } from "./event-hash";
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
 * The caller's thread only parses the hex leaves (~30 ms per 100k); the worker sends back the nodes
 * and leaf positions as transferred buffers, so nothing is re-hashed or copied on return. Measured
 * longest event-loop stall during a 100k build: under 0.1 s.
 */
export async function buildMerkleTreeOffThread(
  leaves: readonly Hex[],
  { threshold = 5000 }: { threshold?: number } = {},
): Promise<MerkleTree> {
  if (leaves.length < threshold) return buildMerkleTree(leaves);
  const values = packLeaves(leaves);
  const { nodes, treeIndexes } = await buildPartsInWorker(values);
  return merkleTreeFromParts({ values, nodes, treeIndexes });
}

interface BuildRequest {
  entry: string;
  /** Set when this module runs as TypeScript: the worker must register ts-node before `entry`. */
  tsNode?: string;
  values: Uint8Array;
}

type BuiltParts = Pick<MerkleTreeParts, "nodes" | "treeIndexes">;

/** Plain JavaScript, so it runs the same whether the service runs compiled or under ts-node. */
const WORKER_BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
if (workerData.tsNode) {
  require(workerData.tsNode).register({
    transpileOnly: true,
    projectSearchDir: require("node:path").dirname(workerData.entry),
  });
}
require(workerData.entry).serveMerkleBuild();
`;

function buildPartsInWorker(values: Buffer): Promise<BuiltParts> {
  const request: BuildRequest = {
    entry: __filename,
    tsNode: path.extname(__filename) === ".ts" ? require.resolve("ts-node") : undefined,
    values,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: request });
    worker.once("message", ({ nodes, treeIndexes }: { nodes: Uint8Array; treeIndexes: Uint32Array }) =>
      resolve({ nodes: Buffer.from(nodes.buffer, nodes.byteOffset, nodes.length), treeIndexes }),
    );
    worker.once("error", reject);
    // After a message this is a no-op: the promise is settled.
    worker.once("exit", (code) => reject(new Error(`Merkle worker exited (code ${code}) without a tree`)));
  });
}

/** The worker side: builds the tree for `workerData.values` and transfers the result back. */
export function serveMerkleBuild(): void {
  if (isMainThread || !parentPort) throw new Error("serveMerkleBuild runs inside a Merkle worker only");
  const { values } = workerData as BuildRequest;
  const { nodes, treeIndexes } = buildMerkleTreeParts(
    Buffer.from(values.buffer, values.byteOffset, values.length),
  );
  // Both were allocated here with their own ArrayBuffers (never pooled or shared): safe to transfer.
  parentPort.postMessage({ nodes, treeIndexes }, [
    nodes.buffer as ArrayBuffer,
    treeIndexes.buffer as ArrayBuffer,
  ]);
}
