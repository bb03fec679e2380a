import { once } from "node:events";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { expect } from "chai";
import { licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { monitorLoopBlocking } from "../helpers/loop-blocking";
import { zipBomb } from "../helpers/zip-archive";

/**
 * Issue 14, finding 4: a 301 KB zip bomb stalled every request (even /healthz) for 57 s, a
 * 10,000-label PDF blocked the event loop 15 s, a 30 MB capture kept /healthz waiting 4 s. The
 * service runs in this process (createApp), so its event loop is this test's; the embedded
 * database runs in its own thread (decision 0027). While each of the worst requests runs at the
 * configured caps, /healthz is probed every 100 ms and the loop is sampled with
 * monitorEventLoopDelay: its longest stall must stay below 100 ms.
 *
 * On a 2-core machine shared with other work the OS deschedules this thread for hundreds of
 * milliseconds whatever it runs (an idle thread of this process, sampling its own loop over the
 * same window, sees such stalls too: the baseline, printed). So what is asserted is the loop's
 * own blocking: the CPU time this thread spent within its longest-computing stall
 * (helpers/loop-blocking.ts) stays below 100 ms. The wall-clock maximum (monitorEventLoopDelay)
 * and the baseline's are printed beside it, and decision 0027 records them. Every /healthz probe
 * must be answered 200 within 3.5 s: it also waits for the database thread, which the request
 * keeps busy, and each probe counts every unanchored event there (no anchoring worker runs here).
 */
/**
 * The import and the capture are always at their worst for the event loop: 10,000 rows and 5,000
 * events of 15 MB, checked and planned in full. By default, so that `npm test` stays short, the
 * import is a dry run and the capture's last event registers its lot a second time (refused after
 * every event is planned), so neither writes; the sheet has 1,000 labels. `HEAVY_REQUESTS=caps` writes
 * both and prints a 10,000-label sheet (about 10 minutes on the loaded dev machine).
 */
const AT_CAPS = process.env.HEAVY_REQUESTS === "caps";
const SIZES = { labels: AT_CAPS ? 10_000 : 1_000, importRows: 10_000, captureEvents: 5_000 };
/** A load balancer probes every few seconds; every 250 ms here, each probe also queries the database. */
const PROBE_EVERY_MS = 250;
const MAX_OWN_BLOCKING_MS = 100;
/** /healthz gives each dependency 3 s (health.routes.ts); a slower answer would be the loop's. */
const MAX_PROBE_MS = 3_500;

interface LoopReport {
  status: number;
  probes: number[];
  /** Probes not answered 200, with the reasons /healthz gave. */
  unhealthy: string[];
  maxDelayMs: number;
  p99DelayMs: number;
  baselineMaxDelayMs: number;
  /** CPU time spent within the longest-computing stall; undefined off Linux. */
  ownBlockingMs?: number;
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
  async function whileProbing(work: () => Promise<number>): Promise<LoopReport> {
    const baseline = await startIdleBaseline();
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const blocking = monitorLoopBlocking();
    const probes: number[] = [];
    const unhealthy: string[] = [];
    let running = true;
    const probing = (async () => {
      while (running) {
        const sent = performance.now();
        const response = await fetch(`${server.baseUrl}/healthz`);
        const health = (await response.json()) as { status: string; reasons?: string[] };
        probes.push(performance.now() - sent);
        if (response.status !== 200) unhealthy.push(`${response.status} ${health.reasons?.join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
    })();
    histogram.enable();
    try {
      const status = await work();
      return {
        status,
        probes,
        unhealthy,
        maxDelayMs: histogram.max / 1e6,
        p99DelayMs: histogram.percentile(99) / 1e6,
        baselineMaxDelayMs: await baseline.stop(),
        ownBlockingMs: blocking?.stop().maxOwnBlockingMs,
      };
    } finally {
      blocking?.stop();
      histogram.disable();
      running = false;
      await probing;
      await baseline.stop();
    }
  }

  /** Follows an import until it is done; its status answer is the report's status. */
  async function waitForImport(importId: string): Promise<number> {
    for (;;) {
      const job = await http(server.baseUrl, "GET", `/api/imports/${importId}`, { key: farm.key });
      if (job.body.state !== "running") {
        expect(job.body.state, job.text).to.equal("done");
        return job.status;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  function expectResponsive(name: string, report: LoopReport) {
    const { probes, maxDelayMs, p99DelayMs, baselineMaxDelayMs, ownBlockingMs } = report;
    console.log(
      `      ${name}: own blocking ${ownBlockingMs ?? "?"} ms; event loop max ${maxDelayMs.toFixed(0)} ms, ` +
        `p99 ${p99DelayMs.toFixed(0)} ms; idle baseline max ${baselineMaxDelayMs.toFixed(0)} ms; ` +
        `/healthz ${probes.length} probes, slowest ${Math.max(...probes).toFixed(0)} ms`,
    );
    expect(probes.length, "probes answered during the request").to.be.at.least(1);
    expect(report.unhealthy, "probes not answered 200").to.deep.equal([]);
    expect(Math.max(...probes), "slowest /healthz probe (ms)").to.be.below(MAX_PROBE_MS);
    if (ownBlockingMs === undefined) {
      console.log("      own blocking not asserted: this system has no /proc thread CPU times (Linux only)");
      return;
    }
    expect(ownBlockingMs, "CPU time within the longest-computing event-loop stall (ms)").to.be.below(
      MAX_OWN_BLOCKING_MS,
    );
  }

  it(`renders a ${SIZES.labels}-serial label PDF off the event loop`, async () => {
    const issued = await http(server.baseUrl, "POST", `/api/batches/${batchId}/serials`, {
      key: farm.key,
      json: { count: SIZES.labels, itemQuantity: { value: 0.25, unit: "KGM" } },
    });
    expect(issued.status, issued.text).to.equal(201);
    const report = await whileProbing(() =>
      responseStatus(
        fetch(`${server.baseUrl}/api/batches/${batchId}/labels.pdf?serials=true&count=${SIZES.labels}`, {
          headers: { authorization: `Bearer ${farm.key}` },
        }),
      ),
    );
    expect(report.status).to.equal(200);
    expectResponsive("labels", report);
  });

  it(`refuses a zip bomb off the event loop`, async () => {
    const bomb = zipBomb(32);
    const report = await whileProbing(() =>
      responseStatus(
        fetch(`${server.baseUrl}/api/imports`, {
          method: "POST",
          headers: { authorization: `Bearer ${farm.key}`, "content-type": "application/octet-stream" },
          body: bomb,
        }),
      ),
    );
    expect(report.status).to.equal(413);
    expectResponsive("zip bomb", report);
  });

  it(`keeps /healthz answering during a ${SIZES.importRows}-row import${AT_CAPS ? "" : " check"}`, async () => {
    const lines = ["type,lot,product,category,gtin,quantity,unit,place,region_code,harvested_at,event_time"];
    for (let row = 0; row < SIZES.importRows; row++) {
      lines.push(
        row % 10 === 0
          ? `batch,LOOP-${row},安吉白茶,tea,06901234567892,500,KGM,黄杜村,330523,2026-04-12,`
          : `storing,LOOP-${row - (row % 10)},,,,,,,,,2026-04-14T09:30:00+08:00`,
      );
    }
    const report = await whileProbing(async () => {
      const started = await http(server.baseUrl, "POST", `/api/imports${AT_CAPS ? "" : "?dryRun=true"}`, {
        key: farm.key,
        raw: lines.join("\n"),
        headers: { "content-type": "text/csv" },
      });
      if (!AT_CAPS) {
        expect(started.body.valid, started.text).to.equal(true);
        return started.status;
      }
      expect(started.status, started.text).to.equal(202);
      return waitForImport(started.body.importId);
    });
    expect(report.status).to.equal(200);
    expectResponsive("import", report);
  });

  it(`keeps /healthz answering during a ${SIZES.captureEvents}-event EPCIS capture${AT_CAPS ? "" : " refused at its last event"}`, async () => {
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
      const last = index === SIZES.captureEvents - 1;
      events.push({
        type: "ObjectEvent",
        action: "OBSERVE",
        bizStep: "inspecting",
        ...time,
        quantityList: [{ epcClass }],
        "ecotrace:data": { reading: index, note: "x".repeat(2_800) },
      });
      // An unknown lot would be kept as an observation (decision 0031); a lot registered twice is
      // refused only when the whole document has been planned.
      if (last && !AT_CAPS)
        events[index] = { ...(events[0] as object), "ecotrace:data": { note: "x".repeat(2_800) } };
    }
    // As bytes: this process is also the client, and encoding a 14 MB string inside fetch would
    // count as a stall of the service's loop.
    const text = JSON.stringify({
      "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { ecotrace: "https://ecotrace.example/ns#" },
      ],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: "2026-04-13T00:00:00Z",
      epcisBody: { eventList: events },
    });
    const body = Buffer.from(text);
    expect(body.length, "capture size (bytes)").to.be.above(SIZES.captureEvents * 2_800);
    const report = await whileProbing(() =>
      responseStatus(
        fetch(`${server.baseUrl}/api/epcis/capture`, {
          method: "POST",
          headers: { authorization: `Bearer ${farm.key}`, "content-type": "application/ld+json" },
          body,
        }),
      ),
    );
    expect(report.status).to.equal(AT_CAPS ? 201 : 422);
    expectResponsive("capture", report);
  });
});

/** What the loop of an idle thread of this process went through: the machine's share of any stall. */
const IDLE_BASELINE = `
const { parentPort } = require("node:worker_threads");
const { monitorEventLoopDelay } = require("node:perf_hooks");
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
const keepAlive = setInterval(() => {}, 1000);
parentPort.once("message", () => {
  histogram.disable();
  clearInterval(keepAlive);
  parentPort.postMessage(histogram.max / 1e6);
});
parentPort.postMessage("started");
`;

async function startIdleBaseline(): Promise<{ stop(): Promise<number> }> {
  const thread = new Worker(IDLE_BASELINE, { eval: true });
  await once(thread, "message");
  let stopped: Promise<number> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        thread.postMessage("stop");
        const [maxDelayMs] = (await once(thread, "message")) as [number];
        await thread.terminate();
        return maxDelayMs;
      })()),
  };
}

async function responseStatus(sent: Promise<Response>): Promise<number> {
  const response = await sent;
  await response.arrayBuffer();
  return response.status;
}
