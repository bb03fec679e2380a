/**
 * Ingest benchmark: events per second recorded through the HTTP API (validation, auth, hashing,
 * compare-and-set on the batch head, insert) against raw mongoose inserts of the same event
 * documents into the same database, with the same number of requests in flight, in the same run.
 * Target: the API reaches at least half the raw insert rate.
 *
 *   npx ts-node --transpile-only scripts/bench/ingest.bench.ts [events] [concurrency]
 */
import { Types } from "mongoose";
import { traceEventModel } from "../../server/data-access/trace-event.model";
import { post, postFromWorker, startBenchService } from "./bench-http";

const BATCHES = 64;
const WARM_UP = 500;
const ROUNDS = 4;

export async function run({
  count = 5_000,
  concurrency = 16,
}: { count?: number; concurrency?: number } = {}) {
  const service = await startBenchService("ingest");
  const { base, adminKey, config, runtime } = service;
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
        expectStatus: 201,
      });
    // Warm both paths up (JIT, connection pools) before measuring, then alternate in rounds so that
    // neither side profits from a smaller collection or a quieter moment on a shared machine.
    await rawInserts(WARM_UP);
    await apiAppends(WARM_UP);
    let rawSeconds = 0;
    let apiSeconds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      rawSeconds += await rawInserts(count / ROUNDS);
      apiSeconds += await apiAppends(count / ROUNDS);
    }
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
    await service.stop();
  }
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
