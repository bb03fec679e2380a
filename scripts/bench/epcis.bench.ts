/**
 * EPCIS 2.0 benchmark (issue 18): capture of one 10,000-event document (events/s, peak RSS of the
 * service process) against the same events appended through the bulk events API (the baseline),
 * then query throughput of the /epcis interface (8 clients) against the /api/epcis query it
 * builds on, on the data just captured (100 lots × 100 events + their commissioning events):
 * identifier, business step, a field filter (GE_quantity) and a sorted query (orderBy, which
 * collects every match of the lot before answering).
 *
 *   npx ts-node --transpile-only scripts/bench/epcis.bench.ts [events] [lots] [requests]
 */
import { getFromWorker, post, startBenchService } from "./bench-http";

const GTIN = "06901234567892";

export async function run({ events = 10_000, lots = 100, requests = 400 } = {}) {
  // One document of `events` events: above the default CAPTURE_MAX_EVENTS (5,000) on purpose.
  const service = await startBenchService("epcis", { CAPTURE_MAX_EVENTS: String(Math.max(events, 5_000)) });
  const { base, adminKey } = service;
  try {
    const producer = await post(base, adminKey, "/api/orgs", { name: "Bench co-op", roles: ["producer"] });
    const key = producer.apiKey;
    const batchIds: string[] = [];
    for (let index = 0; index < lots * 2; index++) {
      const batch = await post(base, key, "/api/batches", {
        product: { name: "安吉白茶", category: "tea", gtin: GTIN },
        lot: `EP-${index}`,
        origin: { place: "溪龙乡", regionCode: "330523", harvestedAt: "2026-04-12" },
        quantity: { value: 500, unit: "KGM" },
      });
      batchIds.push(batch.id);
    }
    const perLot = Math.ceil(events / lots);

    // Baseline: the same number of events through POST /api/batches/:id/events/bulk (100 per call).
    const rssBefore = process.memoryUsage().rss;
    let started = process.hrtime.bigint();
    for (let lot = 0; lot < lots; lot++) {
      for (let sent = 0; sent < perLot; sent += 100) {
        const count = Math.min(100, perLot - sent);
        await post(base, key, `/api/batches/${batchIds[lots + lot]}/events/bulk`, {
          events: Array.from({ length: count }, (_, index) => ({
            type: "inspecting",
            eventTime: eventTime(sent + index),
            data: { sample: sent + index },
          })),
        });
      }
    }
    const bulkSeconds = seconds(started);

    const document = captureDocument(lots, perLot);
    const peak = watchPeakRss();
    started = process.hrtime.bigint();
    const response = await fetch(`${base}/api/epcis/capture`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/ld+json" },
      body: JSON.stringify(document),
    });
    const captureSeconds = seconds(started);
    const peakRss = peak.stop();
    if (response.status !== 201)
      throw new Error(`capture answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    const total = lots * perLot;
    console.log(`  ${total} events, ${(JSON.stringify(document).length / 1e6).toFixed(1)} MB document`);
    console.log(`  bulk events API (baseline)  ${(total / bulkSeconds).toFixed(0).padStart(6)} events/s`);
    console.log(
      `  EPCIS capture               ${(total / captureSeconds).toFixed(0).padStart(6)} events/s  ratio ${(bulkSeconds / captureSeconds).toFixed(2)}  ` +
        `peak RSS +${((peakRss - rssBefore) / 2 ** 20).toFixed(0)} MiB over the process before the run (${(peakRss / 2 ** 20).toFixed(0)} MiB)`,
    );

    const lotLink = (lot: number) => encodeURIComponent(`https://id.gs1.org/01/${GTIN}/10/EP-${lot % lots}`);
    const cases: [string, (index: number) => string][] = [
      [
        "/api/epcis/events?gtin&lot (baseline)",
        (index) => `/api/epcis/events?gtin=${GTIN}&lot=EP-${index % lots}&limit=30`,
      ],
      [
        "/epcis/events?MATCH_epcClass",
        (index) => `/epcis/events?MATCH_epcClass=${lotLink(index)}&perPage=30`,
      ],
      ["/epcis/epcs/{lot}/events", (index) => `/epcis/epcs/${lotLink(index)}/events?perPage=30`],
      [
        "/epcis/events?MATCH_epcClass&GE_quantity",
        (index) => `/epcis/events?MATCH_epcClass=${lotLink(index)}&GE_quantity=1&perPage=30`,
      ],
      [
        "/epcis/events?MATCH_epcClass&orderBy (sorted)",
        (index) =>
          `/epcis/events?MATCH_epcClass=${lotLink(index)}&orderBy=eventTime&orderDirection=DESC&perPage=30`,
      ],
      // Last: it narrows by business step only, and scans far more stored events per request.
      ["/epcis/events?EQ_bizStep (all lots)", () => `/epcis/events?EQ_bizStep=inspecting&perPage=30`],
    ];
    let baseline = 0;
    for (const [name, path] of cases) {
      const result = await getFromWorker({
        base,
        key,
        paths: Array.from({ length: requests }, (_, index) => path(index)),
        concurrency: 8,
      }).catch((error: Error) => error);
      // One failed case (a reset connection on a loaded machine) is reported; the others still run.
      if (result instanceof Error) {
        console.log(`  ${name.padEnd(40)} FAILED: ${result.message}`);
        continue;
      }
      const rate = result.latencies.length / result.seconds;
      baseline ||= rate;
      const sorted = [...result.latencies].sort((a, b) => a - b);
      console.log(
        `  ${name.padEnd(40)} ${rate.toFixed(0).padStart(5)} req/s  ratio ${(rate / baseline).toFixed(2)}  ` +
          `p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms  p99 ${sorted[Math.floor(sorted.length * 0.99)].toFixed(1)} ms`,
      );
    }
  } finally {
    await service.stop();
  }
}

function captureDocument(lots: number, perLot: number) {
  const eventList = [];
  for (let lot = 0; lot < lots; lot++) {
    for (let index = 0; index < perLot; index++) {
      eventList.push({
        type: "ObjectEvent",
        eventTime: eventTime(index),
        eventTimeZoneOffset: "+08:00",
        action: "OBSERVE",
        bizStep: "inspecting",
        readPoint: { id: "urn:epc:id:sgln:6901234.00001.0" },
        quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/EP-${lot}`, quantity: 1, uom: "KGM" }],
      });
    }
  }
  return {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: new Date().toISOString(),
    epcisBody: { eventList },
  };
}

function eventTime(index: number): string {
  return new Date(Date.UTC(2026, 4, 1) + index * 60_000).toISOString();
}

/** Samples the process's RSS every 20 ms until stopped; returns the highest value seen. */
function watchPeakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (require.main === module) {
  const [events, lots, requests] = process.argv.slice(2).map(Number);
  run({ events: events || undefined, lots: lots || undefined, requests: requests || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
