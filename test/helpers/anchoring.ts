import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Connection } from "mongoose";
import { AnchorWorker, type AnchorWorkerOptions } from "../../server/modules/anchoring/anchor.worker";
import { unpackEventIds } from "../../server/modules/anchoring/window-codec";
import { WindowStore } from "../../server/modules/anchoring/data/window-store";
import type { ChainClient } from "../../server/platform/evm/chain-client";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { traceEventModel, type TraceEventDoc } from "../../server/modules/ledger/data/trace-event.model";
import { verifyMerkleProof } from "../../server/platform/crypto/merkle";
import { createLogger } from "../../server/platform/logger";
import { http } from "./http";
import type { TestOrg } from "./scenario";
import type { TestEnv, TestServer } from "./test-env";
import { entryPointArgs } from "./entry-point";

const ROOT = path.resolve(__dirname, "../..");

/** Fast settings for tests: short windows and lease, quick polling and back-off. */
export const FAST_WORKER: AnchorWorkerOptions = {
  intervalMs: 200,
  maxLeaves: 10_000,
  confirmations: 1,
  leaseMs: 1_500,
  backoffBaseMs: 100,
  backoffMaxMs: 800,
  stuckTxMs: 60_000,
  feeBumpPercent: 25,
  inFlightPollMs: 50,
};

export function startWorker(
  connection: Connection,
  chain: ChainClient,
  options: Partial<AnchorWorkerOptions> = {},
): AnchorWorker {
  const worker = new AnchorWorker({
    connection,
    chain,
    logger: createLogger(process.env.LOG_LEVEL ?? "silent"),
    options: { ...FAST_WORKER, ...options },
  });
  worker.start();
  return worker;
}

/** Polls `condition` until it returns a truthy value; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  condition: () => Promise<T> | T,
  { timeoutMs = 60_000, pollMs = 50 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Records `count` inspection events on a batch through the API; returns their ids. */
export async function recordEvents(
  server: TestServer,
  producer: TestOrg,
  batchId: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const response = await http(server.baseUrl, "POST", `/api/batches/${batchId}/events`, {
      key: producer.key,
      json: { type: "inspecting", eventTime: "2026-04-13T08:00:00+08:00", data: { sample: index } },
    });
    expect(response.status, response.text).to.equal(201);
    ids.push(response.body.id);
  }
  return ids;
}

/** Events not in a completed window (unclaimed, or claimed by a window not completed yet). */
export async function unanchoredCount(connection: Connection): Promise<number> {
  const completed = await anchorWindowModel(connection)
    .collection.find({ state: "completed" }, { projection: { _id: 1 } })
    .toArray();
  const completedIds = new Set(completed.map((window) => window._id.toHexString()));
  const events = await traceEventModel(connection)
    .collection.find({}, { projection: { anchor: 1 } })
    .toArray();
  return events.filter((event) => !event.anchor || !completedIds.has(event.anchor.windowId.toHexString()))
    .length;
}

export function waitUntilAllAnchored(connection: Connection, timeoutMs = 60_000): Promise<boolean> {
  return waitFor(
    "every event to carry its anchor",
    async () =>
      (await traceEventModel(connection).collection.countDocuments({})) > 0 &&
      (await unanchoredCount(connection)) === 0,
    { timeoutMs },
  );
}

/**
 * The exactly-once check: every event is in exactly one completed window, the one its anchor
 * reference names, and still carries that window's claim marker (confirming writes no event:
 * root and leaf index come from the window's leaf list); every completed window's root is
 * anchored once on chain with its leaf count; every event's proof (as the API serves it) verifies
 * with the registry's verifyLeaf, from the window's root; no other window holds a root.
 */
export async function assertAnchoredExactlyOnce(
  connection: Connection,
  chain: ChainClient,
  proofOf: (eventId: string) => Promise<{ status: number; body: Record<string, unknown> }>,
): Promise<{ windows: AnchorWindowDoc[]; events: TraceEventDoc[] }> {
  const events = (await traceEventModel(connection).collection.find({}).toArray()) as TraceEventDoc[];
  const windows = (await anchorWindowModel(connection).collection.find({}).toArray()) as AnchorWindowDoc[];
  const completed = windows.filter((window) => window.state === "completed");
  for (const window of windows) {
    expect(["completed", "abandoned"], `state of window ${window._id}`).to.include(window.state);
    if (window.state === "abandoned") expect(window.root, "an abandoned window has no root").to.equal(null);
  }
  const windowOf = new Map<string, { windowId: string; leafIndex: number }>();
  for (const window of completed) {
    const stored = await new WindowStore(connection).leavesOf(window._id);
    const ids = unpackEventIds(stored!.eventIds);
    expect(ids).to.have.length(window.leafCount);
    ids.forEach((id, leafIndex) => {
      expect(windowOf.has(id.toHexString()), `event ${id} is in two windows`).to.equal(false);
      windowOf.set(id.toHexString(), { windowId: window._id.toHexString(), leafIndex });
    });
    const anchor = await chain.registry.anchorOf(window.root!);
    expect(Number(anchor.blockNumber), `root of window ${window._id} on chain`).to.equal(window.blockNumber);
    expect(Number(anchor.leafCount)).to.equal(window.leafCount);
    expect(window.gasUsed, "gas recorded").to.be.a("number").and.above(0);
  }
  expect(windowOf.size, "every event is in a completed window").to.equal(events.length);
  const roots = new Set(completed.map((window) => window.root));
  expect(roots.size, "one root per window").to.equal(completed.length);
  for (const event of events) {
    const placed = windowOf.get(event._id.toHexString());
    expect(placed, `event ${event._id} is in no window`).to.not.equal(undefined);
    expect(event.anchor?.windowId.toHexString()).to.equal(placed!.windowId);
    expect(event.anchor, `event ${event._id} keeps its claim marker`).to.deep.include({
      root: null,
      leafIndex: null,
    });
    const proof = await proofOf(event._id.toHexString());
    expect(proof.status, JSON.stringify(proof.body)).to.equal(200);
    const body = proof.body as { root: string; leaf: string; proof: string[]; eventHash: string };
    expect(body.eventHash).to.equal(event.hash);
    const window = completed.find((candidate) => candidate._id.toHexString() === placed!.windowId)!;
    expect(body.root).to.equal(window.root);
    expect((body as unknown as { leafIndex: number }).leafIndex).to.equal(placed!.leafIndex);
    expect(
      verifyMerkleProof(
        body.root as `0x${string}`,
        event.hash as `0x${string}`,
        body.proof as `0x${string}`[],
      ),
    ).to.equal(true);
    expect(
      await chain.registry.verifyLeaf(body.root, body.proof, body.leaf),
      `verifyLeaf of ${event._id}`,
    ).to.equal(true);
  }
  return { windows, events };
}

/** Connection settings for a child process using the shared test database and chain. */
export function childChainEnv(env: TestEnv): Record<string, string> {
  const dbUri =
    env.config.MONGODB_URI ??
    (JSON.parse(fs.readFileSync(path.join(env.dataDir, "db.json"), "utf8")) as { uri: string }).uri;
  const chain = env.runtime.chain;
  return {
    MONGODB_URI: dbUri,
    RPC_URL: chain.provider._getConnection().url,
    REGISTRY_ADDRESS: chain.registryAddress,
    CHAIN_PRIVATE_KEY: chain.signer.privateKey,
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `scripts/worker.ts` (what `npm run worker` runs; compiled when dist/ is current) as its own process. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, entryPointArgs("scripts/worker.ts"), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      ANCHOR_INTERVAL_MS: "200",
      ANCHOR_LEASE_MS: "1500",
      ANCHOR_BACKOFF_MAX_MS: "800",
      ANCHOR_CONFIRMATIONS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

export async function stopWorkerProcess(worker: WorkerProcess | undefined): Promise<void> {
  if (!worker || worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill("SIGTERM");
  await worker.exited;
}
