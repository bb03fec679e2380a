/**
 * Gas per event: one anchoring transaction per window of N events (EcoTrace) against one transaction
 * per event (the usual design of open-source traceability dApps, here in its cheapest form: each
 * event hash anchored on its own with the same registry), for N = 1, 100, 10 000 and 100 000, in the
 * same run on the same anvil node. Each window is anchored both ways: `anchorRoot` (before decision
 * 0015: a bare root) and `anchorWindow` (after: the root, the ledger-map root and the chaining to the
 * previous window), so the price of completeness is measured, not estimated. The ledger map holds
 * 100 000 batches; a window of N events moves min(N, 100 000) of their heads (the worst case: every
 * event on another batch), and the time of that update is printed with the tree's.
 *
 * The window side is measured for every N (tree built with buildMerkleTreeOffThread, then one
 * transaction). The per-event side is measured on a sample of one-event transactions (1000 by
 * default; ~12 ms each over JSON-RPC); for N above the sample it is extrapolated as N × the mean
 * measured gas per transaction, which is constant (min and max are printed to show it).
 *
 *   npx ts-node --transpile-only scripts/bench/anchoring-gas.bench.ts [sampleSize]
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet, parseEther, toQuantity } from "ethers";
import { createProvider, deployRegistry } from "../../server/platform/evm/chain-client";
import { startEmbeddedAnvil } from "../../server/platform/evm/embedded-anvil";
import type { Hex } from "../../server/platform/crypto/keccak";
import { buildMerkleTree } from "../../server/platform/crypto/merkle";
import { buildMerkleTreeOffThread } from "../../server/platform/crypto/merkle-off-thread";
import { LedgerMap } from "../../server/modules/anchoring/domain/ledger-map";
import { ProvenanceRegistry__factory } from "../../typechain-types";

const SIZES = [1, 100, 10_000, 100_000];
const MAP_LEDGERS = 100_000;

interface WindowRow {
  n: number;
  /** anchorRoot(root, n): before decision 0015. */
  rootGas: bigint;
  /** anchorWindow(root, mapRoot, n, previousRoot): after. */
  gas: bigint;
  /** Moving min(n, MAP_LEDGERS) heads in the ledger map and rehashing its root. */
  mapMs: number;
  /** Tree built in a worker thread as the service does, thread start-up included. */
  buildMs: number;
  /** The same tree built on the calling thread (blocks it; for comparison). */
  inlineMs: number;
  txMs: number;
}

export async function run({ sampleSize = 1_000 }: { sampleSize?: number } = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-gas-bench-"));
  const anvil = await startEmbeddedAnvil({ dir });
  const provider = createProvider(anvil.rpcUrl);
  try {
    const wallet = Wallet.createRandom().connect(provider);
    await provider.send("anvil_setBalance", [wallet.address, toQuantity(parseEther("1000000"))]);
    const { address } = await deployRegistry(wallet, { admin: wallet.address, anchorer: wallet.address });
    const registry = ProvenanceRegistry__factory.connect(address, wallet);
    let nonce = await provider.getTransactionCount(wallet.address, "pending");
    const fees = await provider.getFeeData();

    /** Signs and sends a registry call; anvil mines it at once, so the receipt is there. */
    const send = async (data: string, what: string) => {
      const raw = await wallet.signTransaction({
        type: 2,
        chainId: (await provider.getNetwork()).chainId,
        nonce: nonce++,
        to: address,
        data,
        gasLimit: 200_000n,
        maxFeePerGas: fees.maxFeePerGas! * 2n,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas!,
      });
      const hash = await provider.send("eth_sendRawTransaction", [raw]);
      let receipt = await provider.getTransactionReceipt(hash);
      while (!receipt) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        receipt = await provider.getTransactionReceipt(hash);
      }
      if (receipt.status !== 1) throw new Error(`${what} reverted`);
      return receipt.gasUsed;
    };
    const anchor = (root: string, count: number) =>
      send(
        registry.interface.encodeFunctionData("anchorRoot", [root, count]),
        `anchorRoot(${root}, ${count})`,
      );
    let previousRoot = `0x${"00".repeat(32)}`;
    const anchorWindow = async (root: string, mapRoot: string, count: number) => {
      const data = registry.interface.encodeFunctionData("anchorWindow", [
        root,
        mapRoot,
        count,
        previousRoot,
      ]);
      const gas = await send(data, `anchorWindow(${root}, ${mapRoot}, ${count})`);
      previousRoot = root;
      return gas;
    };

    console.log(
      `anchoring gas benchmark: anvil ${anvil.rpcUrl}, registry ${address}, node ${process.version}`,
    );
    const first = await anchor(randomHash(), 1);
    const firstWindow = await anchorWindow(randomHash(), randomHash(), 1);
    console.log(
      `first anchor of the registry (not counted; can differ while its storage is cold): anchorRoot ${first} gas, anchorWindow ${firstWindow} gas`,
    );
    const mapStarted = performance.now();
    const map = new LedgerMap();
    const ledgerKeys = Array.from({ length: MAP_LEDGERS }, randomHash);
    ledgerKeys.forEach((key, index) => map.set(key, ledgerHead(index, 1)));
    const mapRoot = map.root;
    const mapBuildMs = performance.now() - mapStarted;
    console.log(
      `ledger map of ${MAP_LEDGERS.toLocaleString("en-US")} batches built from scratch (what a restart costs): ${mapBuildMs.toFixed(0)} ms, root ${mapRoot}`,
    );

    const windows: WindowRow[] = [];
    for (const [round, n] of SIZES.entries()) {
      const leaves = Array.from({ length: n }, randomHash);
      const built = performance.now();
      const tree = await buildMerkleTreeOffThread(leaves);
      const buildMs = performance.now() - built;
      const inline = performance.now();
      if (buildMerkleTree(leaves).root !== tree.root) throw new Error("inline and off-thread roots differ");
      const inlineMs = performance.now() - inline;
      const moved = performance.now();
      for (let index = 0; index < Math.min(n, MAP_LEDGERS); index++)
        map.set(ledgerKeys[index], ledgerHead(index, round + 2));
      const windowMapRoot = map.root;
      const mapMs = performance.now() - moved;
      const rootGas = await anchor(tree.root, n);
      // The same tree under another root value (a root is anchored once), as the window call.
      const sent = performance.now();
      const gas = await anchorWindow(randomHash(), windowMapRoot, n);
      windows.push({ n, rootGas, gas, mapMs, buildMs, inlineMs, txMs: performance.now() - sent });
    }

    const sample: bigint[] = [];
    const sampleStarted = performance.now();
    for (let index = 0; index < sampleSize; index++) {
      // A one-leaf tree's root is its leaf: each event anchored and verifiable on its own.
      sample.push(await anchor(buildMerkleTree([randomHash()]).root, 1));
    }
    const perTxMs = (performance.now() - sampleStarted) / sampleSize;
    const sampleTotal = sample.reduce((sum, gas) => sum + gas, 0n);
    const meanPerTx = Number(sampleTotal) / sampleSize;
    const [minGas, maxGas] = [min(sample), max(sample)];

    console.log(
      `one-event transactions: ${sampleSize} measured, ${meanPerTx.toFixed(0)} gas mean (min ${minGas}, max ${maxGas}), ` +
        `${perTxMs.toFixed(1)} ms each`,
    );
    const header = [
      "N",
      "anchorRoot gas",
      "gas/event",
      "anchorWindow gas",
      "gas/event",
      "per-event gas/event",
      "per-event basis",
      "ratio",
      "tree off-thread",
      "tree inline",
      "map update",
    ];
    const rows = windows.map(({ n, rootGas, gas, buildMs, inlineMs, mapMs }) => {
      const measured = n <= sampleSize;
      const perEventTotal = measured
        ? Number(sample.slice(0, n).reduce((sum, g) => sum + g, 0n))
        : n * meanPerTx;
      const windowPerEvent = Number(gas) / n;
      const perEventPerEvent = perEventTotal / n;
      return [
        n.toLocaleString("en-US"),
        rootGas.toString(),
        (Number(rootGas) / n).toFixed(n >= 1000 ? 3 : 1),
        gas.toString(),
        windowPerEvent.toFixed(n >= 1000 ? 3 : 1),
        perEventPerEvent.toFixed(0),
        measured ? `measured (${n} tx)` : `extrapolated (${n.toLocaleString("en-US")} × mean)`,
        `${(perEventPerEvent / windowPerEvent).toLocaleString("en-US", { maximumFractionDigits: 1 })}x`,
        `${buildMs.toFixed(0)} ms`,
        `${inlineMs.toFixed(0)} ms`,
        `${mapMs.toFixed(0)} ms`,
      ];
    });
    printTable(header, rows);
    console.log(
      "window side: measured for every N, before (anchorRoot) and after (anchorWindow: + map root, + chaining), gas independent of N;\n" +
        "ratio: per-event transactions against anchorWindow; map update: min(N, 100 000) heads moved in a map of 100 000 batches;\n" +
        `per-event side: measured for N <= ${sampleSize}, extrapolated from the measured constant per-transaction gas above` +
        ` (sending ${SIZES.at(-1)!.toLocaleString("en-US")} transactions would take ~${((perTxMs * SIZES.at(-1)!) / 60_000).toFixed(0)} min).`,
    );
    const largest = windows.at(-1)!;
    console.log(
      `anchoring ${largest.n.toLocaleString("en-US")} events: tree ${largest.buildMs.toFixed(0)} ms off-thread` +
        ` (worker start-up included; ${largest.inlineMs.toFixed(0)} ms inline), ` +
        `ledger map ${largest.mapMs.toFixed(0)} ms, transaction ${largest.txMs.toFixed(0)} ms, ${largest.gas} gas in total ` +
        `(${(Number(largest.gas) / largest.n).toFixed(3)} gas per event; anchorRoot alone: ${largest.rootGas})`,
    );
  } finally {
    provider.destroy();
    await anvil.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function ledgerHead(index: number, seq: number) {
  return { ledgerId: index.toString(16).padStart(24, "0"), seq, headHash: randomHash() };
}

function randomHash(): Hex {
  return `0x${randomBytes(32).toString("hex")}`;
}

function min(values: bigint[]): bigint {
  return values.reduce((low, value) => (value < low ? value : low));
}

function max(values: bigint[]): bigint {
  return values.reduce((high, value) => (value > high ? value : high));
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

if (require.main === module) {
  const sampleSize = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  run({ sampleSize }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
