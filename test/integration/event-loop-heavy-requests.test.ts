import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { expect } from "chai";
import { licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { zipBomb } from "../helpers/zip-archive";

/**
 * Issue 14, finding 4: a 301 KB zip bomb stalled every request (even /healthz) for 57 s, a
 * 10,000-label PDF blocked the event loop 15 s, a 30 MB capture kept /healthz waiting 4 s. The
 * service runs in this process (createApp), so its event loop is this test's: while each heavy
 * request runs, /healthz is probed every 100 ms and the loop is sampled with monitorEventLoopDelay.
 *
 * What is asserted, and why not "max delay < 100 ms": on a 2-core machine shared with other work
 * (CI, or eight engineers' test runs at a load of 20) the OS deschedules this thread for hundreds
 * of milliseconds whatever it runs, so a wall-clock maximum of 100 ms would fail for reasons that
 * are not the service's. Asserted instead, robust to that: no stall reaches 1 s and every probe
 * is answered 200 within 1 s (the findings were 4-57 s; inline, this 500-label sheet held the loop
 * 3.9 s at a load of 18), and while a label PDF renders the event loop stays mostly idle:
 * utilization below 0.6 with the probes (measured 0.35-0.46 at that load; inline it is 1.00).
 * The maximum and p99 delay are printed for the record (decision 0021 lists measured values).
 * Sizes are scaled down from the limits to keep `npm test` short; the main-thread share of each
 * request is proportional to its size, the worker's share does not touch the loop.
 */
const SIZES = { labels: 500, importRows: 2_000, captureEvents: 200 };
const PROBE_EVERY_MS = 100;

interface LoopReport {
  status: number;
  probes: number[];
  utilization: number;
  maxDelayMs: number;
  p99DelayMs: number;
}

describe("the event loop while the heaviest requests run", function () {
  this.timeout(300_000);
  let server: TestServer;
  let farm: TestOrg;
  let batchId: string;

  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    batchId = (await createBatch(server, farm, { brand: await licensedBrand(server, farm) })).id;
    // Workers start on first use (ts-node in tests): warm the pool outside the measurements.
    await fetch(`${server.baseUrl}/api/batches/${batchId}/labels.pdf?count=1`, {
      headers: { authorization: `Bearer ${farm.key}` },
    }).then((response) => response.arrayBuffer());
  });
  after(() => server.close());

  /** Sends the request, probing /healthz until it is answered; reports what the loop went through. */
  async function whileProbing(request: () => Promise<Response>): Promise<LoopReport> {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const probes: number[] = [];
    let running = true;
    const probing = (async () => {
      while (running) {
        const sent = performance.now();
        const response = await fetch(`${server.baseUrl}/healthz`);
        await response.arrayBuffer();
        expect(response.status).to.equal(200);
        probes.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
    })();
    const before = performance.eventLoopUtilization();
    histogram.enable();
    try {
      const response = await request();
      await response.arrayBuffer();
      return {
        status: response.status,
        probes,
        utilization: performance.eventLoopUtilization(before).utilization,
        maxDelayMs: histogram.max / 1e6,
        p99DelayMs: histogram.percentile(99) / 1e6,
      };
    } finally {
      histogram.disable();
      running = false;
      await probing;
    }
  }

  function expectResponsive(name: string, report: LoopReport) {
    const { probes, utilization, maxDelayMs, p99DelayMs } = report;
    console.log(
      `      ${name}: event loop max ${maxDelayMs.toFixed(0)} ms, p99 ${p99DelayMs.toFixed(0)} ms, ` +
        `utilization ${utilization.toFixed(2)}; /healthz ${probes.length} probes, slowest ${Math.max(...probes).toFixed(0)} ms`,
    );
    expect(probes.length, "probes answered during the request").to.be.at.least(1);
    expect(Math.max(...probes), "slowest /healthz probe (ms)").to.be.below(1_000);
    // A probe sees only the stalls it overlaps; the histogram sees every one.
    expect(maxDelayMs, "longest event-loop stall (ms)").to.be.below(1_000);
  }

  it(`renders a ${SIZES.labels}-serial label PDF off the event loop`, async () => {
    const issued = await http(server.baseUrl, "POST", `/api/batches/${batchId}/serials`, {
      key: farm.key,
      json: { count: SIZES.labels, itemQuantity: { value: 0.25, unit: "KGM" } },
    });
    expect(issued.status, issued.text).to.equal(201);
    const report = await whileProbing(() =>
      fetch(`${server.baseUrl}/api/batches/${batchId}/labels.pdf?serials=true&count=${SIZES.labels}`, {
        headers: { authorization: `Bearer ${farm.key}` },
      }),
    );
    expect(report.status).to.equal(200);
    expectResponsive("labels", report);
    expect(report.utilization, "event-loop utilization").to.be.below(0.6);
  });

  it(`refuses a zip bomb off the event loop`, async () => {
    const bomb = zipBomb(32);
    const report = await whileProbing(() =>
      fetch(`${server.baseUrl}/api/imports`, {
        method: "POST",
        headers: { authorization: `Bearer ${farm.key}`, "content-type": "application/octet-stream" },
        body: bomb,
      }),
    );
    expect(report.status).to.equal(413);
    expectResponsive("zip bomb", report);
  });

  it(`keeps /healthz answering during a ${SIZES.importRows}-row import check`, async () => {
    const lines = ["type,lot,product,category,gtin,quantity,unit,place,region_code,harvested_at,event_time"];
    for (let row = 0; row < SIZES.importRows; row++) {
      lines.push(
        row % 10 === 0
          ? `batch,LOOP-${row},安吉白茶,tea,06901234567892,500,KGM,黄杜村,330523,2026-04-12,`
          : `storing,LOOP-${row - (row % 10)},,,,,,,,,2026-04-14T09:30:00+08:00`,
      );
    }
    const body = Buffer.from(lines.join("\n"));
    const report = await whileProbing(() =>
      fetch(`${server.baseUrl}/api/imports?dryRun=true`, {
        method: "POST",
        headers: { authorization: `Bearer ${farm.key}`, "content-type": "text/csv" },
        body,
      }),
    );
    expect(report.status).to.equal(200);
    expectResponsive("import", report);
  });

  it(`keeps /healthz answering during a ${SIZES.captureEvents}-event EPCIS capture`, async () => {
    const time = { eventTime: "2026-04-12T10:00:00+08:00", eventTimeZoneOffset: "+08:00" };
    const epcClass = "https://id.gs1.org/01/06901234567892/10/CAP-LOOP";
    const events: unknown[] = [
      {
        type: "ObjectEvent",
        action: "ADD",
        bizStep: "commissioning",
        disposition: "active",
        ...time,
        quantityList: [{ epcClass, quantity: 5000, uom: "KGM" }],
        ilmd: {
          "ecotrace:batch": {
            product: { name: "安吉白茶", category: "tea" },
            lot: "CAP-LOOP",
            origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
          },
        },
      },
    ];
    for (let index = 1; index < SIZES.captureEvents; index++) {
      events.push({
        type: "ObjectEvent",
        action: "OBSERVE",
        bizStep: "inspecting",
        ...time,
        quantityList: [{ epcClass }],
        "ecotrace:data": { reading: index, note: "x".repeat(200) },
      });
    }
    const body = JSON.stringify({
      "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { ecotrace: "https://ecotrace.example/ns#" },
      ],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: "2026-04-13T00:00:00Z",
      epcisBody: { eventList: events },
    });
    const report = await whileProbing(() =>
      fetch(`${server.baseUrl}/api/epcis/capture`, {
        method: "POST",
        headers: { authorization: `Bearer ${farm.key}`, "content-type": "application/ld+json" },
        body,
      }),
    );
    expect(report.status).to.equal(201);
    expectResponsive("capture", report);
  });
});
