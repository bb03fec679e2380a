import { ConfigError, loadConfig } from "./config";
import { startFirstStartSeed } from "../modules/demo";
import { createLogger } from "../platform/logger";
import { startService } from "./service";

/** `npm start`: wires database, chain and HTTP; shuts down gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { pretty: process.stdout.isTTY });
  const service = await startService(config, logger);
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, "EcoTrace is serving");
  process.stdout.write(`EcoTrace is serving on http://${config.HOST}:${config.PORT} (health: /healthz)\n`);
  const demo = startFirstStartSeed({
    connection: service.runtime.connection,
    enabled: config.DEMO_SEED,
    dataDir: config.DATA_DIR,
    baseUrl: service.url,
    adminKey: service.adminKey,
    logger,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    demo.stop();
    await demo.done;
    await service.close();
    clearTimeout(force);
    logger.flush();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `EcoTrace could not start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
