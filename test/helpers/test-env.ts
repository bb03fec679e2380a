import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { loadConfig, type Config } from "../../server/main/config";
import { createApp, type AppDeps } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { startRuntime, type Runtime } from "../../server/main/runtime";
import { bootstrapAdmin } from "../../server/modules/organizations/bootstrap-admin";

/**
 * One embedded database and one real anvil node per test run (or MONGODB_URI / RPC_URL when set),
 * shared by all integration tests; each test file gets a fresh HTTP server on a free port.
 */
export interface TestEnv {
  config: Config;
  runtime: Runtime;
  dataDir: string;
}

let shared: Promise<TestEnv> | undefined;

export function testEnv(): Promise<TestEnv> {
  shared ??= (async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-test-"));
    const config = loadConfig({
      // The whole suite talks from 127.0.0.1 with a few keys, many 401 tests among it: its budgets
      // are raised here; rate-limit.test.ts lowers them to prove the limits hold.
      RATE_LIMIT_PER_ADDRESS: "1000000",
      RATE_LIMIT_PER_KEY: "1000000",
      RATE_LIMIT_AUTH_FAILURES: "1000000",
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    });
    const runtime = await startRuntime(config, createLogger(config.LOG_LEVEL));
    return { config, runtime, dataDir };
  })();
  return shared;
}

export async function stopTestEnv(): Promise<void> {
  if (!shared) return;
  const env = await shared;
  shared = undefined;
  await env.runtime.close();
  fs.rmSync(env.dataDir, { recursive: true, force: true });
}

/** Removes every document, so each test starts from an empty database. */
export async function clearDatabase(env: TestEnv): Promise<void> {
  const db = env.runtime.connection.db!;
  for (const collection of await db.collections()) await collection.deleteMany({});
}

export interface TestServer {
  baseUrl: string;
  adminKey: string;
  close(): Promise<void>;
}

/** `deps`: parts of the application the test runs itself (verification threads). */
export async function startTestServer(
  env: TestEnv,
  overrides: Partial<Config> = {},
  deps: Pick<AppDeps, "verifyThreads"> = {},
): Promise<TestServer> {
  const logger = createLogger(env.config.LOG_LEVEL);
  const config = { ...env.config, ...overrides };
  const { apiKey } = await bootstrapAdmin({
    connection: env.runtime.connection,
    dataDir: env.dataDir,
    adminApiKey: "et_testadmn_" + "a".repeat(43),
    logger,
  });
  const app = createApp({ config, logger, ...env.runtime, ...deps });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey: apiKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
