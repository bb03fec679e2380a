/**
 * Ingest benchmark: events per second recorded through the HTTP API (auth, validation, hashing,
 * compare-and-set on the batch head, insert) against raw mongoose inserts of the same event
 * documents into the same database, in the same run. Two comparisons, each like for like:
 *
 *   - one event per call: `POST /api/batches/:id/events` against `Model.create` of one document;
 *   - `bulk` events per call: `POST /api/batches/:id/events/bulk` against `Model.insertMany` of
 *     `bulk` documents.
 *
 * Target: the API reaches at least half the raw insert rate. The HTTP load comes from a node:http
 * keep-alive client in a worker thread (see bench-http.ts); raw inserts run on the service's own
 * event loop, as the database client would. Each side is warmed up, then the two alternate in
 * rounds so that neither profits from a smaller collection or a quieter moment on the machine.
 *
 * Where the API's time goes beyond the insert: each side also counts its database commands per
 * event (by collection and operation, from mongoose's debug hook), since on one machine every
 * command costs both the service and the database thread a round trip.
 *
 *   npx ts-node --transpile-only scripts/bench/ingest.bench.ts \
 *     [events] [concurrency] [bulkEvents] [bulk] [bulkConcurrency]
 */
import mongoose, { Types } from "mongoose";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { post, postFromWorker, startBenchService, type BenchService } from "./bench-http";

const BATCHES = 64;
const ROUNDS = 4;

interface Options {
  /** Events per side, one event per call. */
  count?: number;
  /** Calls in flight, one event each. */
  concurrency?: number;
  /** Events per side in bulk calls (more, since each call carries many). */
  bulkCount?: number;
  /** Events per bulk call. */
  bulk?: number;
  /** Bulk calls in flight. */
  bulkConcurrency?: number;
}

export async function run({
  count = 5_000,
  concurrency = 16,
  bulkCount = 20_000,
  bulk = 100,
  bulkConcurrency = 4,
}: Options = {}) {
  const service = await startBenchService("ingest");
  try {
    const world = await seed(service);
    const database = service.config.embedded.db ? "embedded database" : "MONGODB_URI";
    console.log(`ingest: events per second, ${BATCHES} batches, ${database}`);
    const single = await compare(count, 1, {
      raw: (first, total) =>
        inParallel(total, concurrency, async (index) => {
          await world.events.create(world.rawDocument(first + index));
        }),
      api: (first, total) =>
        world.postEvents(
          Array.from({ length: total }, (_, index) => ({
            path: `/api/batches/${world.batchIds[(first + index) % BATCHES]}/events`,
            body: world.event(first + index),
          })),
          concurrency,
        ),
    });
    report(`one event per call, ${concurrency} calls in flight, ${count} events per side`, single, {
      raw: "raw mongoose Model.create, 1 document per call",
      api: "POST /api/batches/:id/events, 1 event per request",
    });
    const calls = (total: number) => total / bulk;
    const bulkRates = await compare(bulkCount, bulk, {
      raw: (first, total) =>
        inParallel(calls(total), bulkConcurrency, async (call) => {
          const docs = Array.from({ length: bulk }, (_, index) =>
            world.rawDocument(first + call * bulk + index),
          );
          await world.events.insertMany(docs);
        }),
      api: (first, total) =>
        world.postEvents(
          Array.from({ length: calls(total) }, (_, call) => ({
            path: `/api/batches/${world.batchIds[call % BATCHES]}/events/bulk`,
            body: {
              events: Array.from({ length: bulk }, (_, index) => world.event(first + call * bulk + index)),
            },
          })),
          bulkConcurrency,
        ),
    });
    report(
      `${bulk} events per call, ${bulkConcurrency} calls in flight, ${bulkCount} events per side`,
      bulkRates,
      {
        raw: `raw mongoose Model.insertMany, ${bulk} documents per call`,
        api: `POST /api/batches/:id/events/bulk, ${bulk} events per request`,
      },
    );
  } finally {
    await service.stop();
  }
}

/** A producer with BATCHES batches, the event bodies to post and the raw documents to insert. */
async function seed(service: BenchService) {
  const { base, adminKey, runtime } = service;
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
  // Raw baseline: documents of the shape and size the API stores, inserted through mongoose.
  const events = traceEventModel(runtime.connection);
  const sample = (await events.findOne({ type: "commissioning" }).lean())!;
  let rawSeq = 1_000_000;
  const rawDocument = (index: number) => {
    const seq = rawSeq++;
    return {
      ...sample,
      _id: new Types.ObjectId(),
      seq,
      type: "observation",
      body: { ...sample.body, seq, data: event(index).data },
    };
  };
  const postEvents = (requests: { path: string; body: unknown }[], inFlight: number) =>
    postFromWorker({ base, key: producer.apiKey, requests, concurrency: inFlight, expectStatus: 201 });
  return { batchIds, event, events, rawDocument, postEvents };
}

type Side = (first: number, total: number) => Promise<number>;

/** Database commands by `collection.operation`, counted while a side runs. */
type Commands = Map<string, number>;
let counting: Commands | undefined;
mongoose.set("debug", (collection: string, operation: string) => {
  const key = `${collection}.${operation}`;
  counting?.set(key, (counting.get(key) ?? 0) + 1);
});

/**
 * Events per second of each side: a warm-up each, then ROUNDS alternating rounds; every round's
 * size is a multiple of `unit` (the events per call).
 */
async function compare(count: number, unit: number, sides: { raw: Side; api: Side }) {
  const perRound = Math.ceil(count / ROUNDS / unit) * unit;
  const warmUp = Math.ceil(perRound / 4 / unit) * unit;
  let next = 0;
  const take = async (side: Side, total: number) => {
    const first = next;
    next += total;
    return side(first, total);
  };
  await take(sides.raw, warmUp);
  await take(sides.api, warmUp);
  const seconds = { raw: 0, api: 0 };
  const commands = { raw: new Map() as Commands, api: new Map() as Commands };
  for (let round = 0; round < ROUNDS; round++) {
    counting = commands.raw;
    seconds.raw += await take(sides.raw, perRound);
    counting = commands.api;
    seconds.api += await take(sides.api, perRound);
  }
  counting = undefined;
  const events = perRound * ROUNDS;
  return { raw: events / seconds.raw, api: events / seconds.api, commands, events };
}

function report(
  title: string,
  rates: Awaited<ReturnType<typeof compare>>,
  labels: { raw: string; api: string },
) {
  console.log(`  ${title}:`);
  console.log(`    ${labels.raw.padEnd(56)} ${rates.raw.toFixed(0).padStart(7)} events/s`);
  console.log(`    ${labels.api.padEnd(56)} ${rates.api.toFixed(0).padStart(7)} events/s`);
  console.log(
    `    ${"ratio API / raw".padEnd(56)} ${(rates.api / rates.raw).toFixed(2).padStart(7)} (target ≥ 0.50)`,
  );
  const perEvent = (commands: Commands) =>
    [...commands.values()].reduce((sum, count) => sum + count, 0) / rates.events;
  console.log(
    `    ${"database commands per event: raw / API".padEnd(56)} ${perEvent(rates.commands.raw).toFixed(2).padStart(7)} / ${perEvent(rates.commands.api).toFixed(2)}`,
  );
  const apiCommands = [...rates.commands.api.entries()].sort(([, a], [, b]) => b - a);
  for (const [command, count] of apiCommands)
    console.log(`      API ${command.padEnd(52)} ${(count / rates.events).toFixed(2).padStart(7)}`);
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
  const [count, concurrency, bulkCount, bulk, bulkConcurrency] = process.argv.slice(2).map(Number);
  run({
    count: count || undefined,
    concurrency: concurrency || undefined,
    bulkCount: bulkCount || undefined,
    bulk: bulk || undefined,
    bulkConcurrency: bulkConcurrency || undefined,
  }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
