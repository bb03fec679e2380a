/**
 * Merkle tree benchmark: OpenZeppelin's StandardMerkleTree against our builder (inline and in a
 * worker thread) on the same random leaves, with the longest event-loop stall during each, since
 * the anchoring worker shares its process with the HTTP API.
 *
 *   npx ts-node --transpile-only scripts/bench/merkle.bench.ts [leafCount]
 */
import { randomBytes } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "../../server/platform/crypto/keccak";
import { keccakImplementation } from "../../server/platform/crypto/keccak";
import { buildMerkleTree, loadMerkleTree } from "../../server/platform/crypto/merkle";
import { buildMerkleTreeOffThread } from "../../server/platform/crypto/merkle-off-thread";

interface Measurement<T> {
  result: T;
  seconds: number;
  maxStallSeconds: number;
}

export async function run({ leafCount = 100_000 }: { leafCount?: number } = {}): Promise<void> {
  if (!Number.isSafeInteger(leafCount) || leafCount < 1)
    throw new RangeError("leafCount must be a positive integer");
  const leaves = Array.from({ length: leafCount }, () => `0x${randomBytes(32).toString("hex")}` as Hex);
  const label = leafCount % 1000 === 0 ? `${leafCount / 1000}k` : String(leafCount);
  console.log(
    `merkle benchmark: ${leafCount} random leaves, keccak ${keccakImplementation()}, node ${process.version}`,
  );

  const standard = await measure(() =>
    StandardMerkleTree.of(
      leaves.map((leaf) => [leaf]),
      ["bytes32"],
    ),
  );
  const inline = await measure(() => buildMerkleTree(leaves));
  // The first off-thread build starts the shared worker thread; later ones reuse it, which is the
  // service's steady state (the worker is started at service start).
  const offThreadCold = await measure(() => buildMerkleTreeOffThread(leaves));
  const offThread = await measure(() => buildMerkleTreeOffThread(leaves));
  const roots = new Set([
    standard.result.root,
    inline.result.root,
    offThreadCold.result.root,
    offThread.result.root,
  ]);
  if (roots.size !== 1) throw new Error(`roots differ: ${[...roots].join(", ")}`);

  const standardDump = standard.result.dump();
  const ourDump = inline.result.toJSON();
  const standardLoad = await measure(() => StandardMerkleTree.load(standardDump));
  const ourLoad = await measure(() => loadMerkleTree(ourDump));

  printTable([
    ["StandardMerkleTree.of", standard],
    ["ecotrace buildMerkleTree (inline)", inline],
    ["ecotrace off-thread, first (starts the thread)", offThreadCold],
    ["ecotrace off-thread, warm worker", offThread],
    ["StandardMerkleTree.load (dump)", standardLoad],
    ["ecotrace loadMerkleTree (dump)", ourLoad],
  ]);
  console.log(`roots equal: ${inline.result.root}`);
  console.log(
    `merkle ${label} leaves: StandardMerkleTree ${seconds(standard.seconds)}, ecotrace ${seconds(inline.seconds)}` +
      ` (${ratio(standard.seconds, inline.seconds)} faster); off-thread (warm worker) ${seconds(offThread.seconds)}` +
      ` with at most ${seconds(offThread.maxStallSeconds)} of event-loop stall`,
  );
  console.log(
    `merkle ${label} load: StandardMerkleTree ${seconds(standardLoad.seconds)}, ecotrace ${seconds(ourLoad.seconds)}` +
      ` (${ratio(standardLoad.seconds, ourLoad.seconds)} faster)`,
  );
}

/**
 * Times `work` while a 10 ms ticker records the longest gap between event-loop turns. The last
 * gap is closed after `work` settles, so a synchronous build counts as one stall of its length.
 */
async function measure<T>(work: () => T | Promise<T>): Promise<Measurement<T>> {
  await new Promise((resolve) => setImmediate(resolve));
  let lastTurn = performance.now();
  let maxStall = 0;
  const noteTurn = () => {
    const now = performance.now();
    maxStall = Math.max(maxStall, now - lastTurn);
    lastTurn = now;
  };
  const ticker = setInterval(noteTurn, 10);
  const started = performance.now();
  try {
    const result = await work();
    const elapsed = performance.now() - started;
    noteTurn();
    return { result, seconds: elapsed / 1000, maxStallSeconds: maxStall / 1000 };
  } finally {
    clearInterval(ticker);
  }
}

function printTable(rows: [string, Measurement<unknown>][]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`${"".padEnd(width)}  ${"time".padStart(8)}  ${"max stall".padStart(9)}`);
  for (const [name, { seconds: time, maxStallSeconds }] of rows) {
    console.log(
      `${name.padEnd(width)}  ${seconds(time).padStart(8)}  ${seconds(maxStallSeconds).padStart(9)}`,
    );
  }
}

function seconds(value: number): string {
  return value >= 10 ? `${value.toFixed(1)} s` : `${value.toFixed(2)} s`;
}

function ratio(slow: number, fast: number): string {
  return `${(slow / fast).toFixed(1)}x`;
}

if (require.main === module) {
  const leafCount = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  run({ leafCount }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
