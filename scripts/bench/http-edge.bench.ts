/**
 * HTTP edge benchmark: bytes on the wire with and without compression (consumer page, OpenAPI
 * JSON), and what the MongoDB-backed rate limits cost a request: the two counter updates of an
 * authenticated request (address, key) against the latency of a whole one-event POST, same run;
 * and the body checks of jsonBody (UTF-8, depth, finite numbers) against express.json alone on an
 * 11 MB capture-like document.
 *
 *   npx ts-node --transpile-only scripts/bench/http-edge.bench.ts [requests]
 */
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type RequestHandler } from "express";
import { RateLimiterMongo } from "rate-limiter-flexible";
import { jsonBody } from "../../server/platform/http/json-body";
import { post, postFromWorker, startBenchService } from "./bench-http";

/** The response body's size as sent, for an Accept-Encoding. */
function bytesOnWire(url: string, encoding: string, accept = "text/html"): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { accept, ...(encoding ? { "accept-encoding": encoding } : {}) };
    request(url, { headers }, (response) => {
      let size = 0;
      response.on("data", (chunk: Buffer) => (size += chunk.length));
      response.on("end", () => resolve(size));
    })
      .on("error", reject)
      .end();
  });
}

/** Mean ms to POST `body` through `parser` (5 rounds after a warm-up), both parsers interleaved. */
async function compareParsers(body: string, parsers: RequestHandler[]): Promise<number[]> {
  const servers = parsers.map((parser) => {
    const app = express();
    app.post("/", parser, (_req, res) => res.end());
    return app.listen(0, "127.0.0.1");
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.once("listening", resolve))));
  const totals = parsers.map(() => 0);
  for (let round = 0; round < 6; round++) {
    for (const [index, server] of servers.entries()) {
      const started = process.hrtime.bigint();
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await response.text();
      if (round > 0) totals[index] += Number(process.hrtime.bigint() - started) / 1e6 / 5;
    }
  }
  servers.forEach((server) => server.close());
  return totals;
}

export async function run({ requests = 1_000 }: { requests?: number } = {}) {
  const eventList = Array.from({ length: 40_000 }, (_, index) => ({
    type: "ObjectEvent",
    action: "OBSERVE",
    bizStep: "shipping",
    eventTime: "2026-04-13T08:00:00+08:00",
    quantityList: [
      { epcClass: `https://id.gs1.org/01/06901234567892/10/L${index}`, quantity: index, uom: "KGM" },
    ],
    ilmd: { lab: { results: [{ name: "水分", value: 6.2, pass: true }] } },
  }));
  const capture = JSON.stringify({ epcisBody: { eventList } });
  const [plainMs, checkedMs] = await compareParsers(capture, [
    express.json({ limit: "64mb" }),
    jsonBody({ limit: "64mb" }),
  ]);
  console.log(
    `JSON body of ${(capture.length / 1e6).toFixed(1)} MB: express.json ${plainMs.toFixed(0)} ms, ` +
      `jsonBody ${checkedMs.toFixed(0)} ms: ratio ${(checkedMs / plainMs).toFixed(2)}`,
  );

  const service = await startBenchService("edge");
  const { base } = service;
  try {
    const producer = await post(base, service.adminKey, "/api/orgs", {
      name: "Bench farm",
      roles: ["producer"],
    });
    const batch = await post(base, producer.apiKey, "/api/batches", {
      product: { name: "安吉白茶 明前特级", category: "tea", gtin: "06901234567892" },
      lot: "BENCH-EDGE",
      origin: { place: "溪龙乡黄杜村 3号茶园", regionCode: "330523", harvestedAt: "2026-04-12" },
      quantity: { value: 500, unit: "KGM" },
    });
    const page = `${base}${new URL(batch.digitalLink).pathname}`;
    for (const [what, url, accept] of [
      ["consumer page", page, "text/html"],
      ["/openapi.json", `${base}/openapi.json`, "application/json"],
    ]) {
      const [plain, gzip, br] = await Promise.all(
        ["", "gzip", "br"].map((encoding) => bytesOnWire(url, encoding, accept)),
      );
      const ratio = (size: number) =>
        `${(size / 1024).toFixed(1)} KB (${((size / plain) * 100).toFixed(0)}%)`;
      console.log(`${what}: identity ${(plain / 1024).toFixed(1)} KB, gzip ${ratio(gzip)}, br ${ratio(br)}`);
    }

    const limiter = new RateLimiterMongo({
      storeClient: service.runtime.connection,
      tableName: "ratelimits",
      keyPrefix: "bench",
      points: 1e9,
      duration: 60,
    });
    for (let index = 0; index < 100; index++) await limiter.consume(`warm-${index % 2}`);
    const started = process.hrtime.bigint();
    for (let index = 0; index < requests; index++) {
      await limiter.consume("address:127.0.0.1");
      await limiter.consume("key:bench");
    }
    const limitsMs = Number(process.hrtime.bigint() - started) / 1e6 / requests;

    const event = (index: number) => ({
      type: "storing",
      eventTime: "2026-04-16T09:00:00Z",
      data: { index },
    });
    const path = `/api/batches/${batch.id}/events`;
    const send = (count: number, offset: number) =>
      postFromWorker({
        base,
        key: producer.apiKey,
        requests: Array.from({ length: count }, (_, index) => ({ path, body: event(offset + index) })),
        concurrency: 1,
        expectStatus: 201,
      });
    await send(100, 0);
    const seconds = await send(requests, 100);
    const requestMs = (seconds * 1000) / requests;
    console.log(
      `rate limits: 2 counter updates ${limitsMs.toFixed(2)} ms vs one-event POST (limits included) ` +
        `${requestMs.toFixed(2)} ms, one at a time: ratio ${(limitsMs / requestMs).toFixed(2)}`,
    );
  } finally {
    await service.stop();
  }
}

if (require.main === module) {
  run({ requests: Number(process.argv[2] ?? 1_000) }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
