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
import { startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

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
    expect(body.db).to.equal("ok");
    expect(body.chain.chainId).to.equal(Number(env.runtime.chain.chainId));
    expect(body.chain.registry).to.equal(env.runtime.chain.registryAddress);
    expect(body.chain.blockNumber).to.equal(await env.runtime.chain.provider.getBlockNumber());
  });

  it("answers 503 naming the chain when the RPC endpoint is down", async () => {
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
      expect(status).to.equal(503);
      expect(body.status).to.equal("unavailable");
      expect(body.db).to.equal("ok");
      expect(body.chain.status).to.equal("unavailable");
      expect(body.chain.error).to.be.a("string").and.not.equal("");
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
