/**
 * Scale benchmark (issue 15): grows one service's data through its own API to 1k, 10k, 100k
 * (and, with `--max 1000000`, 1M) events and prints, per size: the anchoring drain of the events
 * just added (the service's own worker, in its process, as `npm start` runs it) with `/healthz`
 * latency while it drains, append latency (one event per request), `/api/verify` and consumer
 * page latency (sequential p50/p99, then requests/s with 8 clients, after a warm-up of 400 of each
 * with 8 clients: a fresh verification thread compiles its hot code meanwhile, which in a
 * 400-request figure was ~2 CPU ms of every request), service RSS and disk. The drain
 * measured is of at most 100,000 events (what is added before them is anchored as the data grows),
 * so the 1M figure is issue 15's "100,000-event backlog at 1,000,000 stored". Every
 * figure is also given as a ratio to the 1k figures of the same run. Each read figure says what
 * share of its verifications reused an examination (decision 0036): at 1k the reads fall on ~20
 * batches and mostly do, at 1M nearly none does, which is most of what the ratios compare. Each
 * read figure's CPU per request is split into the service's main thread, the client thread and the
 * rest (database thread, helpers), and says for how much of it the embedded engine was compacting
 * its journal and how much of the machine's time its host stole meanwhile. A speed probe per size
 * (fixed CPU work) shows whether the machine itself was slower for a figure.
 *
 *   npm run bench -- scale [--sizes 1k,10k,100k,1m]   (default 1k,10k,100k; 1m needs ~5 GB)
 *   npx ts-node --transpile-only scripts/bench/scale.bench.ts [--sizes …] [--max N] [--profile DIR]
 *
 * `--profile DIR` writes a CPU profile of the main thread's reads phase per size
 * (DIR/reads-<events>.cpuprofile, open in Chrome DevTools or speedscope), and one of each thread
 * running then (DIR/reads-<events>-thread-<title>.cpuprofile: the database thread's among them).
 */
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { AnchorWorker } from "../../server/modules/anchoring";
import { verifierFor } from "../../server/modules/verification";
import { anchorWorkerOptions } from "../../server/main/anchor-worker-options";
import { computeEventHash } from "../../server/modules/ledger";
import { createLogger } from "../../server/platform/logger";
import { getFromWorker, post, postFromWorker, startBenchService, type BenchService } from "./bench-http";

const EVENTS_PER_BATCH = 50;
const GTIN = "06901234567892";
const CLIENTS = 8;
const SEQUENTIAL = 100;
const LOADED = 2_400;
/** Verifications and pages before the figures, with CLIENTS clients: every thread's JIT and caches warm. */
const WARM_UP = 400;
/** The largest anchoring backlog a size's drain measures; growth beyond it is anchored as it goes. */
const BACKLOG = 100_000;

interface Figures {
  events: number;
  grow: number;
  drain: number;
  /** CPU seconds of the whole process during the drain: less sensitive to a loaded machine than wall time. */
  drainCpu: number;
  drained: number;
  health: Latency;
  healthFailed: number;
  /** The slowest probes with what the service said each check took (Server-Timing). */
  healthSlowest: { latency: number; timing: string }[];
  append: Latency;
  verify: Latency;
  verifyLoaded: Latency;
  page: Latency;
  pageLoaded: Latency;
  rssMiB: number;
  /** The main thread's V8 heap in use (the database thread's is its own): what its collector walks. */
  mainHeapMiB: number;
  diskMiB: number;
  /** The speed probe's time just before the reads (lower is faster). */
  probeMs: number;
}

interface Latency {
  count: number;
  p50: number;
  p99: number;
  perSecond: number;
  /** CPU milliseconds of the whole process (service, its database thread, the client) per request. */
  cpuMs?: number;
  /** Of those, the service's main thread's (the event loop every request passes through). */
  mainCpuMs?: number;
  /** Of those, the client's (the load generator shares the machine's two cores). */
  clientCpuMs?: number;
  /** Of those, the verification threads' (VERIFY_THREADS; decision 0045). */
  verifyThreadsCpuMs?: number;
  /** Of the verifications behind the requests (event loop and verification threads), the share that reused an examination (decision 0036). */
  reused?: number;
  /** The share of the figure's time the embedded engine spent compacting its journal (its thread's work). */
  compacting?: number;
  /** The share of the machine's CPU time its host took for others meanwhile (steal; Linux guests). */
  stolen?: number;
}

/** The service's examination counts, its event loop's and its verification threads': how much a read figure is reuse. */
let examinations: () => { reused: number; computed: number };
/** The embedded engine's data directory (undefined on MongoDB), whose compactions a read figure notes. */
let dataDir: string | undefined;
/** The service's verification threads (kernel ids), whose CPU a read figure shows apart. */
let verifyThreadIds: number[] = [];

export async function run({ sizes = sizesFromArgs() }: { sizes?: number[] } = {}) {
  const service = await startBenchService("scale");
  try {
    const world = await setUp(service);
    const inLoop = verifierFor({
      useCaseContext: service.runtime.useCaseContext,
      chain: service.runtime.chain,
      publicBaseUrl: service.config.PUBLIC_BASE_URL,
    }).examinations.counts;
    examinations = () => {
      const inThreads = service.verifyThreads?.examinationCounts ?? { reused: 0, computed: 0 };
      return { reused: inLoop.reused + inThreads.reused, computed: inLoop.computed + inThreads.computed };
    };
    dataDir = service.config.embedded.db ? service.config.DATA_DIR : undefined;
    verifyThreadIds = service.verifyThreads?.threadIds ?? [];
    const database = service.config.embedded.db ? "embedded database" : "MONGODB_URI";
    console.log(
      `scale: ${EVENTS_PER_BATCH} events per batch grown through POST /api/batches + …/events/bulk (${database}), ` +
        `${SEQUENTIAL} sequential then ${LOADED} requests with ${CLIENTS} clients per read figure`,
    );
    const rows: Figures[] = [];
    speedProbe(); // its own JIT warm-up, so that the first size's figure is not the slowest
    for (const size of sizes) {
      // Past BACKLOG, what is added is anchored as it grows, so that the drain measured is that of a
      // backlog of BACKLOG events at this size (issue 15: 100,000 pending at 1,000,000 stored).
      const started = process.hrtime.bigint();
      while (size - world.stored() > BACKLOG) {
        await world.growTo(Math.min(size - BACKLOG, world.stored() + BACKLOG));
        await drainWithProbes(service);
      }
      await world.growTo(size);
      const grown = seconds(started);
      const drain = await drainWithProbes(service);
      const append = await world.appendSequentially(SEQUENTIAL);
      await drainWithProbes(service); // the appended events, so that every batch verifies
      // Warm-up, verify and page reads each on lots of their own: a read of a batch just verified
      // reuses its examination (the share is printed), which made the page look cheaper at 1M.
      const reads = SEQUENTIAL + LOADED;
      const lots = world.sample(2 * WARM_UP + 2 * reads);
      const verifyPaths = lots
        .slice(2 * WARM_UP, 2 * WARM_UP + reads)
        .map((lot) => `/api/verify/${lot.publicId}`);
      const pagePaths = lots.slice(2 * WARM_UP + reads).map((lot) => `/01/${GTIN}/10/${lot.lot}`);
      await load(
        service.base,
        lots.slice(0, WARM_UP).map((lot) => `/api/verify/${lot.publicId}`),
        CLIENTS,
      );
      await load(
        service.base,
        lots.slice(WARM_UP, 2 * WARM_UP).map((lot) => `/01/${GTIN}/10/${lot.lot}`),
        CLIENTS,
      );
      const probeMs = speedProbe();
      const profiling = await startProfile();
      const figures = {
        verify: await load(service.base, verifyPaths.slice(0, SEQUENTIAL), 1),
        verifyLoaded: await load(service.base, verifyPaths.slice(SEQUENTIAL), CLIENTS),
        page: await load(service.base, pagePaths.slice(0, SEQUENTIAL), 1),
        pageLoaded: await load(service.base, pagePaths.slice(SEQUENTIAL), CLIENTS),
      };
      await profiling?.stop(`reads-${world.stored()}`);
      rows.push({
        events: world.stored(),
        grow: grown,
        ...drain,
        append,
        ...figures,
        probeMs,
        rssMiB: process.memoryUsage().rss / 2 ** 20,
        mainHeapMiB: process.memoryUsage().heapUsed / 2 ** 20,
        diskMiB: diskMiB(service.config.DATA_DIR),
      });
      print(rows);
    }
  } finally {
    await service.stop();
  }
}

/** A producer, and growth through the API: one batch per EVENTS_PER_BATCH events. */
async function setUp(service: BenchService) {
  const { base, adminKey } = service;
  const producer = await post(base, adminKey, "/api/orgs", { name: "规模测试合作社", roles: ["producer"] });
  const lots: Lot[] = [];
  let stored = 0;
  const createBatch = async (index: number) => {
    const lot = `S-${String(index).padStart(7, "0")}`;
    const batch = await post(base, producer.apiKey, "/api/batches", {
      product: { name: "安吉白茶", category: "tea", gtin: GTIN },
      lot,
      origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
      quantity: { value: 500, unit: "KGM" },
    });
    return { id: batch.id as string, publicId: batch.publicId as string, lot };
  };
  const event = (index: number) => ({
    type: "observation",
    eventTime: "2026-04-13T08:00:00+08:00",
    data: { lab: "浙江省农产品质量检测中心", results: [{ name: "moisture", value: index % 13, unit: "%" }] },
  });
  const appendBatch = await createBatch(9_999_999);
  stored++;
  return {
    stored: () => stored,
    /** `count` lots, none twice until every lot has been taken (a read of a batch read before reuses its examination). */
    sample: (count: number) => {
      let taken: Lot[] = [];
      while (taken.length < count) taken = taken.concat(shuffled(lots));
      return taken.slice(0, count);
    },
    /** Adds batches of EVENTS_PER_BATCH events until `target` events are stored. */
    async growTo(target: number): Promise<void> {
      while (stored < target) {
        const count = Math.min(200, Math.ceil((target - stored) / EVENTS_PER_BATCH));
        const created = await inParallel(count, 4, (offset) => createBatch(lots.length + offset));
        lots.push(...created);
        await postFromWorker({
          base,
          key: producer.apiKey,
          requests: created.map((batch) => ({
            path: `/api/batches/${batch.id}/events/bulk`,
            body: { events: Array.from({ length: EVENTS_PER_BATCH - 1 }, (_, index) => event(index)) },
          })),
          concurrency: 4,
          expectStatus: 201,
        });
        stored += count * EVENTS_PER_BATCH;
      }
    },
    /** One event per request, one request at a time, onto a batch the reads do not sample. */
    async appendSequentially(count: number): Promise<Latency> {
      const latencies: number[] = [];
      const started = process.hrtime.bigint();
      for (let index = 0; index < count; index++) {
        const sent = process.hrtime.bigint();
        await post(base, producer.apiKey, `/api/batches/${appendBatch.id}/events`, event(index));
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
      stored += count;
      return summarise(latencies, seconds(started));
    },
  };
}

/**
 * Runs the service's anchoring worker in its process until nothing is pending, probing
 * `/healthz` from a client thread every 100 ms meanwhile.
 */
async function drainWithProbes(service: BenchService) {
  const worker = new AnchorWorker({
    ...service.runtime,
    logger: createLogger("silent"),
    options: anchorWorkerOptions(service.config),
  });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  worker.start();
  try {
    const probes = await probeHealthUntilDrained(service.base);
    const cpu = process.cpuUsage(cpuBefore);
    return {
      drain: seconds(started),
      drainCpu: (cpu.user + cpu.system) / 1e6,
      drained: probes.firstPending,
      health: probes.latency,
      healthFailed: probes.failed,
      healthSlowest: probes.slowest,
    };
  } finally {
    await worker.stop();
  }
}

function probeHealthUntilDrained(
  base: string,
): Promise<{ firstPending: number; failed: number; latency: Latency; slowest: Figures["healthSlowest"] }> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const latencies = [];
    const slowest = [];
    let firstPending;
    let failed = 0;
    const started = process.hrtime.bigint();
    (async () => {
      for (;;) {
        const sent = process.hrtime.bigint();
        let pending;
        let response;
        try {
          response = await fetch(workerData.base + "/healthz");
          const body = await response.json();
          if (response.status === 200) pending = body.anchoring && body.anchoring.pending;
          else failed++;
        } catch {
          failed++; // a reset or refused connection: the probe failed, as a load balancer's would
        }
        const latency = Number(process.hrtime.bigint() - sent) / 1e6;
        latencies.push(latency);
        slowest.push({ latency, timing: response?.headers.get("server-timing") ?? "" });
        slowest.sort((a, b) => b.latency - a.latency).splice(3);
        if (firstPending === undefined && pending !== undefined) firstPending = pending;
        if (pending === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      parentPort.postMessage({ firstPending, failed, latencies, slowest, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    })();
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { base }, execArgv: [] });
    worker.once(
      "message",
      (result: {
        firstPending: number;
        failed: number;
        latencies: number[];
        slowest: Figures["healthSlowest"];
        seconds: number;
      }) =>
        resolve({
          firstPending: result.firstPending,
          slowest: result.slowest,
          failed: result.failed,
          latency: summarise(result.latencies, result.seconds),
        }),
    );
    worker.once("error", reject);
  });
}

async function load(base: string, paths: string[], concurrency: number): Promise<Latency> {
  const cpuBefore = process.cpuUsage();
  const mainBefore = threadCpuMs([process.pid]);
  const verifyThreadsBefore = threadCpuMs(verifyThreadIds);
  const examined = examinations();
  const compaction = watchCompaction();
  const stealBefore = machineTicks();
  const result = await getFromWorker({ base, paths, concurrency, expectVerified: true });
  const compacting = compaction.stop();
  const steal = machineTicks();
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpuMs = (threadCpuMs([process.pid]) - mainBefore) / paths.length;
  const verifyThreadsCpuMs = (threadCpuMs(verifyThreadIds) - verifyThreadsBefore) / paths.length;
  const examinedNow = examinations();
  const reused = examinedNow.reused - examined.reused;
  const verified = reused + examinedNow.computed - examined.computed;
  return {
    ...summarise(result.latencies, result.seconds),
    cpuMs: (cpu.user + cpu.system) / 1e3 / paths.length,
    mainCpuMs,
    clientCpuMs: result.cpuMs / paths.length,
    verifyThreadsCpuMs,
    reused: verified > 0 ? reused / verified : undefined,
    compacting,
    stolen: (steal.steal - stealBefore.steal) / Math.max(1, steal.total - stealBefore.total),
  };
}

/**
 * Samples every 50 ms whether the embedded engine is compacting its journal (it writes the whole
 * state to `snapshot.bson.tmp` meanwhile, on the database thread): a read figure that overlaps a
 * compaction shares the machine's two cores with it. Undefined on MongoDB.
 */
function watchCompaction(): { stop(): number | undefined } {
  if (dataDir === undefined) return { stop: () => undefined };
  const temporary = path.join(dataDir, "mongo", "snapshot.bson.tmp");
  let samples = 0;
  let compacting = 0;
  const sample = () => {
    samples++;
    if (fs.existsSync(temporary)) compacting++;
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return compacting / samples;
    },
  };
}

/**
 * The machine's CPU ticks since boot, all and stolen (Linux: /proc/stat's first line; zeros
 * elsewhere). On a virtual machine whose host is busy, a share of its time is stolen and every
 * CPU figure of the same work comes out higher: the speed probe says so for the moment it ran,
 * this for the whole figure.
 */
function machineTicks(): { total: number; steal: number } {
  try {
    const fields = fs
      .readFileSync("/proc/stat", "utf8")
      .split("\n", 1)[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { total: fields.reduce((sum, value) => sum + value, 0), steal: fields[7] ?? 0 };
  } catch {
    return { total: 0, steal: 0 };
  }
}

/**
 * CPU milliseconds these threads of this process have used (Linux: their /proc tasks' utime +
 * stime, 10 ms ticks; NaN elsewhere), so that a read figure can say how much of a request's CPU is
 * on the one thread every request waits for (the main thread) and on the verification threads;
 * the rest is the database thread, the client's and V8's helpers.
 */
function threadCpuMs(threadIds: number[]): number {
  let total = 0;
  for (const threadId of threadIds) {
    const file = `/proc/self/task/${threadId}/stat`;
    if (!fs.existsSync(file)) return NaN;
    const stat = fs.readFileSync(file, "utf8");
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .slice(11, 13)
      .map(Number);
    total += (utime + stime) * 10;
  }
  return total;
}

interface Lot {
  id: string;
  publicId: string;
  lot: string;
}

/** A copy of `items` in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

function summarise(latencies: number[], elapsed: number): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), perSecond: latencies.length / elapsed };
}

function print(rows: Figures[]): void {
  const base = rows[0];
  const row = rows.at(-1)!;
  const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;
  const latency = (name: string, pick: (figures: Figures) => Latency, rate = false) => {
    const [now, then] = [pick(row), pick(base)];
    const cpu =
      (now.cpuMs === undefined ? "" : `, ${now.cpuMs.toFixed(1)} CPU ms per request`) +
      (now.mainCpuMs === undefined || Number.isNaN(now.mainCpuMs)
        ? ""
        : `: ${now.mainCpuMs.toFixed(1)} main thread, ` +
          (now.verifyThreadsCpuMs ? `${now.verifyThreadsCpuMs.toFixed(1)} verification threads, ` : "") +
          `${now.clientCpuMs!.toFixed(1)} client, ` +
          `${(now.cpuMs! - now.mainCpuMs - (now.verifyThreadsCpuMs || 0) - now.clientCpuMs!).toFixed(1)} database thread and helpers`) +
      (now.reused === undefined ? "" : `, ${(now.reused * 100).toFixed(0)}% reused examinations`) +
      (now.compacting
        ? `, the engine compacting its journal ${(now.compacting * 100).toFixed(0)}% of the time`
        : "") +
      (now.stolen && now.stolen >= 0.005
        ? `, ${(now.stolen * 100).toFixed(0)}% of the machine's time stolen by its host`
        : "");
    const text = rate
      ? `${now.perSecond.toFixed(0)} req/s (${ratio(now.perSecond, then.perSecond)}), p50 ${now.p50.toFixed(1)} ms, p99 ${now.p99.toFixed(1)} ms${cpu}`
      : `p50 ${now.p50.toFixed(1)} ms (${ratio(now.p50, then.p50)}), p99 ${now.p99.toFixed(1)} ms (${ratio(now.p99, then.p99)})${cpu}`;
    console.log(`    ${name.padEnd(34)} ${text}`);
  };
  console.log(
    `  ${row.events.toLocaleString("en")} stored events (ratios against ${base.events.toLocaleString("en")})`,
  );
  console.log(`    ${"growth through the API".padEnd(34)} ${row.grow.toFixed(1)} s`);
  console.log(
    `    ${"anchoring drain".padEnd(34)} ${row.drained} events in ${row.drain.toFixed(1)} s (${(row.drained / row.drain).toFixed(0)} events/s), ${row.drainCpu.toFixed(1)} CPU s (${(row.drained / row.drainCpu).toFixed(0)} events per CPU s)`,
  );
  latency("/healthz during the drain", (figures) => figures.health);
  console.log(`    ${"/healthz probes failed".padEnd(34)} ${row.healthFailed} of ${row.health.count}`);
  console.log(
    `    ${"slowest /healthz probes".padEnd(34)} ${row.healthSlowest.map(({ latency, timing }) => `${latency.toFixed(0)} ms (${timing || "no answer"})`).join("; ")}`,
  );
  console.log(
    `    ${"speed probe (lower is faster)".padEnd(34)} ${row.probeMs.toFixed(1)} ms (${ratio(row.probeMs, base.probeMs)})`,
  );
  latency("append, one event per request", (figures) => figures.append);
  latency("/api/verify sequential", (figures) => figures.verify);
  latency(`/api/verify ${CLIENTS} clients`, (figures) => figures.verifyLoaded, true);
  latency("consumer page sequential", (figures) => figures.page);
  latency(`consumer page ${CLIENTS} clients`, (figures) => figures.pageLoaded, true);
  const perAddedEvent = (now: number, then: number) =>
    (((now - then) * 2 ** 20) / Math.max(1, row.events - base.events)).toFixed(0);
  console.log(
    `    ${"RSS / disk / main-thread heap".padEnd(34)} ${row.rssMiB.toFixed(0)} MiB (${ratio(row.rssMiB, base.rssMiB)}) / ${row.diskMiB.toFixed(0)} MiB / ${row.mainHeapMiB.toFixed(0)} MiB`,
  );
  if (row !== base)
    console.log(
      `    ${"bytes per added event".padEnd(34)} ${perAddedEvent(row.rssMiB, base.rssMiB)} in memory (RSS), ${perAddedEvent(row.diskMiB, base.diskMiB)} on disk`,
    );
}

function diskMiB(dir: string): number {
  return Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0]) / 1024;
}

async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>) {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** `--sizes 1k,10k,100k,1m` (or `--max N`: the standard sizes up to N); 1k, 10k and 100k by default. */
function sizesFromArgs(): number[] {
  const at = process.argv.indexOf("--sizes");
  if (at !== -1) {
    return process.argv[at + 1].split(",").map((size) => {
      const match = /^(\d+)([km]?)$/i.exec(size.trim());
      if (!match) throw new Error(`--sizes: ${size} is not a size like 10k or 1m`);
      return Number(match[1]) * { "": 1, k: 1_000, m: 1_000_000 }[match[2].toLowerCase() as "" | "k" | "m"];
    });
  }
  const maxAt = process.argv.indexOf("--max");
  const max = maxAt === -1 ? 100_000 : Number(process.argv[maxAt + 1]);
  return [1_000, 10_000, 100_000, 1_000_000].filter((size) => size <= max);
}

/**
 * With `--profile DIR`: CPU profiles of the main thread and of the threads already running (the
 * embedded engine's, any Merkle helpers; not the load generator's, started later) until
 * `stop(name)` writes DIR/name.cpuprofile and DIR/name-thread-<title>.cpuprofile. The threads are
 * reached through the main thread's inspector (its NodeWorker domain), so the service needs no
 * hook for it. All profiles share one clock: their `startTime`s line up.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | null> {
  const at = process.argv.indexOf("--profile");
  if (at === -1) return null;
  const dir = process.argv[at + 1];
  const session = new Session();
  session.connect();
  const threads = await profileThreads(session);
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(name) {
      const { profile } = await session.post("Profiler.stop");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      for (const [title, threadProfile] of await threads.stop())
        fs.writeFileSync(path.join(dir, `${name}-thread-${title}.cpuprofile`), JSON.stringify(threadProfile));
      session.disconnect();
    },
  };
}

/** Starts the profiler in every worker thread running now; `stop` returns each one's profile by title. */
async function profileThreads(session: Session): Promise<{ stop(): Promise<Map<string, unknown>> }> {
  const titles = new Map<string, string>();
  const replies = new Map<string, (result: unknown) => void>();
  let nextId = 1;
  session.on("NodeWorker.attachedToWorker", ({ params }) => {
    titles.set(params.sessionId, params.workerInfo.title.replace(/\W+/g, "_"));
  });
  session.on("NodeWorker.receivedMessageFromWorker", ({ params }) => {
    const reply = JSON.parse(params.message) as { id?: number; result?: unknown };
    if (reply.id !== undefined) replies.get(`${params.sessionId}:${reply.id}`)?.(reply.result);
  });
  const ask = (sessionId: string, method: string) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      replies.set(`${sessionId}:${id}`, resolve);
      void session.post("NodeWorker.sendMessageToWorker", {
        sessionId,
        message: JSON.stringify({ id, method }),
      });
    });
  await session.post("NodeWorker.enable", { waitForDebuggerOnStart: false });
  await new Promise((resolve) => setTimeout(resolve, 200)); // attachments of running threads arrive as events
  const running = [...titles.keys()];
  for (const sessionId of running) {
    await ask(sessionId, "Profiler.enable");
    await ask(sessionId, "Profiler.start");
  }
  return {
    async stop() {
      const profiles = new Map<string, unknown>();
      for (const sessionId of running) {
        const { profile } = (await ask(sessionId, "Profiler.stop")) as { profile: unknown };
        profiles.set(`${titles.get(sessionId)}-${profiles.size}`, profile);
      }
      await session.post("NodeWorker.disable");
      return profiles;
    },
  };
}

/**
 * A fixed piece of a verification's CPU work (hashing 3,000 event bodies), best of three, timed
 * before each size's reads. This machine's speed varied between runs (the same drain took 27–37
 * CPU s on 2026-12-07), so a ratio between sizes or runs means something only next to this one.
 */
function speedProbe(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < 3_000; index++) {
      computeEventHash({
        batchId: "speed-probe",
        seq: index,
        type: "observation",
        data: {
          lab: "浙江省农产品质量检测中心",
          results: [{ name: "moisture", value: index % 13, unit: "%" }],
        },
      });
    }
    best = Math.min(best, seconds(started) * 1e3);
  }
  return best;
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (require.main === module) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
