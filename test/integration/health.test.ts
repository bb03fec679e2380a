import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { createProvider } from "../../server/platform/evm/chain-client";
import { connectDatabase, pingDatabase } from "../../server/platform/mongo/database";
import { startEmbeddedMongo } from "../../server/platform/mongo/embedded/embedded-mongo";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { findFreePort } from "../../server/platform/net/free-port";
import { http } from "../helpers/http";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { startWorker, waitFor, waitUntilAllAnchored } from "../helpers/anchoring";
import { createBatch, createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("GET /healthz", () => {
  let env: TestEnv;
  let server: TestServer;
  before(async () => {
    env = await testEnv();
    server = await startTestServer(env);
  });
  after(() => server.close());

  it("reports the database and the chain with its id, registry and block number", async () => {
    const { status, body } = await http(server.baseUrl, "GET", "/healthz");
    expect(status).to.equal(200);
    expect(body.status).to.equal("ok");
    expect(body.reasons).to.deep.equal([]);
    expect(body.db).to.equal("ok");
    expect(body.chain.chainId).to.equal(Number(env.runtime.chain.chainId));
    expect(body.chain.registry).to.equal(env.runtime.chain.registryAddress);
    expect(body.chain.blockNumber).to.equal(await env.runtime.chain.provider.getBlockNumber());
  });

  it("says in Server-Timing how long each of its checks took", async () => {
    const { headers } = await http(server.baseUrl, "GET", "/healthz");
    const timings = (headers.get("server-timing") ?? "").split(", ").map((entry) => entry.split(";dur="));
    expect(timings.map(([name]) => name).sort()).to.deep.equal(["anchoring", "chain", "db"]);
    for (const [, duration] of timings) expect(Number(duration)).to.be.a("number").and.at.least(0);
  });

  it("answers degraded naming the chain when the RPC endpoint is down: 200, or 503 for a strict caller", async () => {
    const deadProvider = createProvider(`http://127.0.0.1:${await findFreePort()}`);
    const app = createApp({
      config: env.config,
      logger: createLogger("silent"),
      ...env.runtime,
      chain: { ...env.runtime.chain, provider: deadProvider },
    });
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    try {
      const port = (listening.address() as { port: number }).port;
      const { status, body } = await http(`http://127.0.0.1:${port}`, "GET", "/healthz");
      expect(status).to.equal(200);
      expect(body.status).to.equal("degraded");
      expect(body.reasons).to.have.length(1);
      expect(body.reasons[0]).to.match(/^chain unreachable: /);
      expect(body.db).to.equal("ok");
      expect(body.chain.status).to.equal("unavailable");
      expect(body.chain.error).to.be.a("string").and.not.equal("");
      const strict = await http(`http://127.0.0.1:${port}`, "GET", "/healthz?strict=1");
      expect(strict.status).to.equal(503);
      expect(strict.body.status).to.equal("degraded");
    } finally {
      listening.close();
      deadProvider.destroy();
    }
  });

  it("answers 503 naming the database when it cannot be reached", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-down-"));
    const doomed = await startEmbeddedMongo({ dir });
    const connection = await connectDatabase(doomed.uri);
    await doomed.stop();
    const app = createApp({
      config: env.config,
      logger: createLogger("silent"),
      ...env.runtime,
      connection,
      pingDatabase: () => pingDatabase(connection),
    });
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    try {
      const port = (listening.address() as { port: number }).port;
      const { status, body } = await http(`http://127.0.0.1:${port}`, "GET", "/healthz");
      expect(status).to.equal(503);
      expect(body.status).to.equal("unavailable");
      expect(body.reasons).to.include("database unreachable");
      expect(body.db.status).to.equal("unavailable");
      expect(body.db.error).to.be.a("string").and.not.equal("");
      expect(body.chain.registry).to.equal(env.runtime.chain.registryAddress);
    } finally {
      listening.close();
      await connection.close(true);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("GET /healthz while anchoring falls behind", function () {
  this.timeout(60_000);
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker | undefined;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env, { ANCHOR_LAG_DEGRADED_SECONDS: 1 });
  });
  after(async () => {
    await worker?.stop();
    await server.close();
  });

  it("says degraded with the lag as reason (503 when strict) until the backlog is anchored", async () => {
    const producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    await createBatch(server, producer);
    const degraded = await waitFor("the lag to pass 1 s", async () => {
      const health = await http(server.baseUrl, "GET", "/healthz");
      return health.body.status === "degraded" ? health : undefined;
    });
    expect(degraded.status).to.equal(200);
    expect(degraded.body.reasons.join("; ")).to.match(/anchoring lag \d+ s exceeds 1 s/);
    expect(degraded.body.reasons.join("; ")).to.match(
      /anchoring made no progress for \d+ s while 1 events wait/,
    );
    expect(degraded.body.anchoring.pending).to.equal(1);
    expect((await http(server.baseUrl, "GET", "/healthz?strict=1")).status).to.equal(503);

    worker = startWorker(env.runtime.connection, env.runtime.chain);
    await waitUntilAllAnchored(env.runtime.connection);
    const healthy = await http(server.baseUrl, "GET", "/healthz?strict=1");
    expect(healthy.status).to.equal(200);
    expect(healthy.body).to.include({ status: "ok" });
    expect(healthy.body.reasons).to.deep.equal([]);
  });
});

describe("unknown routes", () => {
  let server: TestServer;
  before(async () => (server = await startTestServer(await testEnv())));
  after(() => server.close());

  it("answer 404 with a JSON error naming the route", async () => {
    const { status, body, headers } = await http(server.baseUrl, "GET", "/no/such/thing");
    expect(status).to.equal(404);
    expect(body).to.deep.equal({
      error: { code: "NOT_FOUND", message: "route GET /no/such/thing not found" },
    });
    expect(headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("echo a caller's request id", async () => {
    const { headers } = await http(server.baseUrl, "GET", "/healthz", {
      headers: { "x-request-id": "abc-123" },
    });
    expect(headers.get("x-request-id")).to.equal("abc-123");
  });
});
