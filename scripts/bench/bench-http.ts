import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { loadConfig, type Config } from "../../server/main/config";
import { createLogger } from "../../server/platform/logger";
import type { Runtime } from "../../server/main/runtime";
import { startService } from "../../server/main/service";
import type { VerifyThreads } from "../../server/modules/verification";

/** A service as `npm start` runs it (embedded database and chain unless configured), for one benchmark. */
export interface BenchService {
  base: string;
  adminKey: string;
  config: Config;
  runtime: Runtime;
  verifyThreads?: VerifyThreads;
  stop(): Promise<void>;
}

/**
 * Starts the service on a fresh temporary DATA_DIR (silent logs, no anchoring worker) with a
 * generated admin key (given, so that it is not printed); `stop()` shuts it down and removes the
 * directory.
 */
/** A service on a fresh data directory; `settings` override configuration keys (e.g. a limit the bench exceeds). */
export async function startBenchService(
  name: string,
  settings: Record<string, string> = {},
): Promise<BenchService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `ecotrace-bench-${name}-`));
  const remove = () => fs.rmSync(dataDir, { recursive: true, force: true });
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ANCHOR_WORKER: "false",
    ADMIN_API_KEY: `et_${randomBytes(6).toString("base64url")}_${randomBytes(32).toString("base64url")}`,
    HOST: "127.0.0.1",
    PORT: "0",
    // Benchmarks send thousands of requests a minute from one address with one key: the limits
    // still count every request (their cost is measured), they just never refuse one.
    RATE_LIMIT_PER_ADDRESS: "1000000000",
    RATE_LIMIT_PER_KEY: "1000000000",
    ...settings,
  });
  try {
    const service = await startService(config, createLogger("silent"));
    await service.verifyThreads?.serving(); // measured from the first request
    const stop = async () => {
      process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
      await service.close();
      remove();
    };
    // A bench stopped with Ctrl-C or kill still stops its embedded chain (a child process that
    // would outlive it) and removes its data directory.
    const interrupted = (signal: NodeJS.Signals) => {
      console.error(`${name}: ${signal}, stopping the service`);
      void stop().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
    };
    process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
    const { url: base, adminKey, runtime, verifyThreads } = service;
    return { base, adminKey, config, runtime, verifyThreads, stop };
  } catch (error) {
    remove();
    throw error;
  }
}

/** A JSON POST with an API key for benchmark set-up; throws with the answer on any non-2xx. */
export async function post(
  base: string,
  key: string,
  route: string,
  body: unknown,
): Promise<Record<string, string>> {
  const response = await fetch(`${base}${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, string>;
  if (!response.ok) throw new Error(`${route} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * POSTs `requests` (JSON bodies, API key, expected status) from a worker thread, as remote
 * clients would, with `concurrency` in flight over keep-alive connections; resolves with the
 * elapsed seconds. The client is node:http, not fetch: on the 2-core development machine fetch
 * spends ~0.45 ms of CPU per request, which the service's event loop then competes with (it held
 * an empty node:http handler to ~1,300-1,800 requests/s), so fetch measured the client.
 */
export function postFromWorker(job: {
  base: string;
  key: string;
  requests: { path: string; body: unknown }[];
  concurrency: number;
  expectStatus: number;
}): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(POST_WORKER, { eval: true, workerData: job, execArgv: [] });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

const POST_WORKER = `
  const http = require("node:http");
  const { parentPort, workerData } = require("node:worker_threads");
  const { base, key, requests, concurrency, expectStatus } = workerData;
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const send = ({ path, body }) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const headers = {
        authorization: "Bearer " + key,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
      };
      const request = http.request({ host: url.hostname, port: url.port, path, method: "POST", agent, headers }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () =>
          response.statusCode === expectStatus
            ? resolve()
            : reject(new Error(path + " answered " + response.statusCode + ": " + text.slice(0, 500))),
        );
      });
      request.on("error", reject);
      request.end(payload);
    });
  let next = 0;
  const started = process.hrtime.bigint();
  Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) await send(requests[next++]);
    }),
  ).then(
    () => {
      agent.destroy();
      parentPort.postMessage(Number(process.hrtime.bigint() - started) / 1e9);
    },
    (error) => {
      throw error;
    },
  );
`;

/**
 * GETs `paths` from a worker thread, `concurrency` in flight over keep-alive connections, as remote
 * clients would (gzip accepted, like a browser; with `key` as an API key); resolves with the
 * elapsed seconds, each request's latency in ms and the client thread's CPU ms (NaN off Linux).
 * Any non-200 fails, and with `expectVerified` so does an `/api/` answer whose verdict is not
 * verified. node:http, not fetch, for the reason given at postFromWorker: at 10,000 events fetch's
 * streams and gzip (and ts-node, loaded into each client thread) cost the client ~2.7 CPU ms per
 * verify, a third of the service's, on the same two cores.
 */
export function getFromWorker(job: {
  base: string;
  paths: string[];
  concurrency: number;
  key?: string;
  expectVerified?: boolean;
}): Promise<{ seconds: number; latencies: number[]; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(GET_WORKER, { eval: true, workerData: job, execArgv: [] });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

const GET_WORKER = `
  const http = require("node:http");
  const zlib = require("node:zlib");
  const { parentPort, workerData } = require("node:worker_threads");
  const { base, key, paths, concurrency, expectVerified } = workerData;
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { "accept-encoding": "gzip", ...(key ? { authorization: "Bearer " + key } : {}) };
  const textOf = (response, chunks) => {
    const body = Buffer.concat(chunks);
    return (response.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(body) : body).toString("utf8");
  };
  const get = (path) =>
    new Promise((resolve, reject) => {
      http.get({ host: url.hostname, port: url.port, path, agent, headers }, (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => {
          if (response.statusCode !== 200)
            return reject(new Error(path + " answered " + response.statusCode + ": " + textOf(response, chunks).slice(0, 500)));
          if (expectVerified && path.startsWith("/api/")) {
            const text = textOf(response, chunks);
            if (!text.includes('"verdict":"verified"')) return reject(new Error(path + " is not verified: " + text.slice(0, 600)));
          }
          resolve();
        });
      }).on("error", reject);
    });
  let next = 0;
  const latencies = [];
  const started = process.hrtime.bigint();
  Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) {
        const path = paths[next++];
        const sent = process.hrtime.bigint();
        await get(path);
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      }
    }),
  ).then(
    () => {
      agent.destroy();
      parentPort.postMessage({ seconds: Number(process.hrtime.bigint() - started) / 1e9, latencies, cpuMs: threadCpuMs() });
    },
    (error) => {
      throw error;
    },
  );
  // This thread's CPU (Linux: utime + stime in 10 ms ticks), so that a figure can tell the client's apart.
  function threadCpuMs() {
    try {
      const stat = require("node:fs").readFileSync("/proc/thread-self/stat", "utf8");
      const [utime, stime] = stat.slice(stat.lastIndexOf(")") + 2).split(" ").slice(11, 13).map(Number);
      return (utime + stime) * 10;
    } catch {
      return NaN;
    }
  }
`;
