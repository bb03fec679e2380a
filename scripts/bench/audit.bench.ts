/**
 * Audit throughput: events checked per second by a full audit run (`POST /api/audit/runs` with
 * an empty scope, run in the foreground here) over a database of anchored events: every hash
 * recomputed (RFC 8785 + keccak), every chain link, every Merkle inclusion against the window's
 * rebuilt tree and each window root read from the registry (`anchorOf`).
 *
 * Seeding reuses the verification benchmark's seeder: batches of 10 hash-chained events written
 * directly, anchored 10 000 events per window (one `anchorRoot` each, windows stored as the worker
 * stores them). Set MONGODB_URI to measure on MongoDB instead of the embedded engine.
 *
 *   npx ts-node --transpile-only scripts/bench/audit.bench.ts [events] [batchesPerChunk]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Types } from "mongoose";
import { loadConfig } from "../../server/main/config";
import { createLogger } from "../../server/platform/logger";
import { startRuntime } from "../../server/main/runtime";
import { createAuditRun, executeAuditRun } from "../../server/modules/audit/audit-runs";
import { seed } from "./verify.bench";

const EVENTS_PER_BATCH = 10;

export async function run({
  events = 100_000,
  chunkBatches = 500,
}: { events?: number; chunkBatches?: number } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-bench-audit-"));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ANCHOR_WORKER: "false",
  });
  const runtime = await startRuntime(config, createLogger("silent"));
  try {
    const producerId = new Types.ObjectId().toHexString();
    const seeding = process.hrtime.bigint();
    const lots = await seed(runtime, producerId, Math.ceil(events / EVENTS_PER_BATCH));
    const database = config.embedded.db ? "embedded database" : "MONGODB_URI";
    console.log(
      `audit: ${lots.length * EVENTS_PER_BATCH} anchored events in ${lots.length} batches (${database}, seeded in ${seconds(seeding).toFixed(1)} s), ${chunkBatches} batches per step`,
    );
    const ctx = { connection: runtime.connection, chain: runtime.chain, now: () => new Date() };
    const queued = await createAuditRun(ctx, {
      scope: {},
      unanchoredAfterSec: 86_400,
      requestedBy: producerId,
    });
    const started = process.hrtime.bigint();
    const done = await executeAuditRun(ctx, queued, chunkBatches);
    const elapsed = seconds(started);
    if (done.findingsCount !== 0) {
      throw new Error(
        `a clean database gave ${done.findingsCount} findings: ${JSON.stringify(done.findings.slice(0, 3))}`,
      );
    }
    const checked = done.progress.checkedEvents;
    console.log(
      `  full audit run  ${checked} events, ${done.progress.checkedBatches} batches in ${elapsed.toFixed(1)} s   ${(checked / elapsed).toFixed(0)} events checked/s   0 findings`,
    );
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (require.main === module) {
  const [events, chunkBatches] = process.argv.slice(2).map(Number);
  run({ events: events || undefined, chunkBatches: chunkBatches || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
