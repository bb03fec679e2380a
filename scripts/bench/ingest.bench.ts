/**
 * Ingest benchmark: events per second recorded through the HTTP API (validation, auth, hashing,
 * compare-and-set on the batch head, insert) against raw mongoose inserts of the same event
 * documents into the same database, with the same number of requests in flight, in the same run.
 * Target: the API reaches at least half the raw insert rate.
 *
 *   npx ts-node --transpile-only scripts/bench/ingest.bench.ts [events] [concurrency]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { Types } from "mongoose";
import { loadConfig } from "../../server/config";
import { traceEventModel } from "../../server/data-access/trace-event.model";
import { createApp } from "../../server/http/app";
import { createLogger } from "../../server/logger";
import { startRuntime } from "../../server/runtime";
import { bootstrapAdmin } from "../../server/use-cases/bootstrap-admin";
import { post } from "./bench-http";

const BATCHES = 64;
const WARM_UP = 500;

export async function run({
  count = 5_000,
  concurrency = 16,
}: { count?: number; concurrency?: number } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-bench-"));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  const logger = createLogger("silent");
  const runtime = await startRuntime(config, logger);
  const { apiKey: adminKey } = await bootstrapAdmin({ connection: runtime.connection, dataDir, logger });
  const server = createApp({ config, logger, ...runtime }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const producer = await post(base, adminKey, "/api/orgs", { name: "Bench producer", roles: ["producer"] });
    const batchIds: string[] = [];
    for (let index = 0; index < BATCHES; index++) {
      const batch = await post(base, producer.apiKey, "/api/batches", {
        product: { name: "安吉白茶", category: "tea" },
        lot: `BENCH-${index}`,
        origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
        quantity: { value: 500, unit: "KGM" },
      });
      batchIds.push(batch.id);
    }
    const event = (index: number) => ({
      type: "observation",
      eventTime: "2026-04-13T08:00:00+08:00",
      data: {
        lab: "浙江省农产品质量检测中心",
        results: [{ name: "moisture", value: index % 13, unit: "%", pass: true }],
      },
    });

    // Raw baseline: the documents the API stores (same shape and size), inserted through mongoose.
    const events = traceEventModel(runtime.connection);
    const sample = await events.findOne({ type: "commissioning" }).lean();
    let rawSeq = 1_000_000;
    const rawInserts = (total: number) =>
      inParallel(total, concurrency, async (index) => {
        const seq = rawSeq++;
        await events.create({
          ...sample,
          _id: new Types.ObjectId(),
          seq,
          type: "observation",
          body: { ...sample!.body, seq, data: event(index).data },
        });
      });
    const apiAppends = (total: number) =>
      postFromWorker({
        base,
        key: producer.apiKey,
        requests: Array.from({ length: total }, (_, index) => ({
          path: `/api/batches/${batchIds[index % BATCHES]}/events`,
          body: event(index),
        })),
        concurrency,
      });
    // Warm both paths up (JIT, connection pools) before measuring, then alternate so that neither
    // side profits from a smaller collection.
    await rawInserts(WARM_UP);
    await apiAppends(WARM_UP);
    const rawSeconds = (await rawInserts(count / 2)) + (await rawInserts(count / 2));
    const apiSeconds = (await apiAppends(count / 2)) + (await apiAppends(count / 2));
    const rawRate = count / rawSeconds;
    const apiRate = count / apiSeconds;
    const database = config.embedded.db ? "embedded database" : "MONGODB_URI";
    console.log(
      `ingest: ${count} events each way, ${concurrency} in flight, ${BATCHES} batches, ${database}`,
    );
    console.log(`  raw mongoose inserts      ${rawRate.toFixed(0).padStart(7)} events/s`);
    console.log(`  HTTP API (hash-chained)   ${apiRate.toFixed(0).padStart(7)} events/s`);
    console.log(`  ratio API / raw           ${(apiRate / rawRate).toFixed(2)} (target ≥ 0.50)`);
  } finally {
    server.close();
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The HTTP load comes from a worker thread, as it would from remote clients, so that the client's
 * own CPU time (request building, response parsing) is not charged to the service's event loop.
 */
function postFromWorker(job: {
  base: string;
  key: string;
  requests: { path: string; body: unknown }[];
  concurrency: number;
}): Promise<number> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { base, key, requests, concurrency } = workerData;
    let next = 0;
    const started = process.hrtime.bigint();
    Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const { path, body } = requests[next++];
        const response = await fetch(base + path, {
          method: "POST",
          headers: { authorization: "Bearer " + key, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.status !== 201) throw new Error(path + " answered " + response.status + ": " + text);
      }
    })).then(() => parentPort.postMessage(Number(process.hrtime.bigint() - started) / 1e9), (error) => { throw error; });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: job });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

/** Runs `task(0…count-1)` with `concurrency` calls in flight; returns the elapsed seconds. */
async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (require.main === module) {
  const [count, concurrency] = process.argv.slice(2).map(Number);
  run({ count: count || undefined, concurrency: concurrency || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
