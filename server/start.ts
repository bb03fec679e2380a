import type { Server } from "node:http";
import { AnchorWorker, anchorWorkerOptions } from "./anchoring/anchor.worker";
import { ConfigError, loadConfig } from "./config";
import { createApp } from "./http/app";
import { createLogger } from "./logger";
import { startRuntime } from "./runtime";
import { bootstrapAdmin } from "./use-cases/bootstrap-admin";
import { repairChainHeads } from "./use-cases/repair-chain-heads";

/** `npm start`: wires database, chain and HTTP; shuts down gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { pretty: process.stdout.isTTY });
  const runtime = await startRuntime(config, logger);
  await bootstrapAdmin({
    connection: runtime.connection,
    dataDir: config.DATA_DIR,
    adminApiKey: config.ADMIN_API_KEY,
    logger,
  });
  const restored = await repairChainHeads(runtime.appendContext);
  if (restored > 0) logger.warn({ restored }, "restored events whose writer stopped after committing them");
  const anchorWorker = config.ANCHOR_WORKER
    ? new AnchorWorker({ ...runtime, logger, options: anchorWorkerOptions(config) })
    : undefined;
  const app = createApp({ config, logger, ...runtime, anchorWorker });
  const server = await listen(app, config.PORT, config.HOST);
  anchorWorker?.start();
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, "EcoTrace is serving");
  process.stdout.write(`EcoTrace is serving on http://${config.HOST}:${config.PORT} (health: /healthz)\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await anchorWorker?.stop();
    server.close();
    server.closeIdleConnections();
    await runtime.close();
    clearTimeout(force);
    logger.flush();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once("error", reject);
  });
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `EcoTrace could not start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
