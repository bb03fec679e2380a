/**
 * `npm run worker`: the anchoring worker as its own process. Same configuration as the service;
 * the lease in MongoDB makes it and any service instance take turns, never anchor together.
 *
 * With MONGODB_URI / RPC_URL unset it attaches to the embedded database and chain of a service
 * running on the same DATA_DIR (DATA_DIR/db.json, DATA_DIR/chain.json and the service key); with
 * no service running it starts them itself, as `npm start` would.
 */
import fs from "node:fs";
import path from "node:path";
import { AnchorWorker } from "../server/modules/anchoring/anchor.worker";
import { anchorWorkerOptions } from "../server/main/anchor-worker-options";
import { ConfigError, loadConfig, type Config } from "../server/main/config";
import { embeddedMongoOwner } from "../server/platform/mongo/embedded/embedded-mongo";
import { createLogger, type Logger } from "../server/platform/logger";
import { startRuntime } from "../server/main/runtime";
import { recoverFromChainReset } from "../server/main/service";

async function main(): Promise<void> {
  const logger = createLogger(loadConfig().LOG_LEVEL, { pretty: process.stdout.isTTY });
  const config = attachToRunningService(loadConfig(), logger);
  const runtime = await startRuntime(config, logger);
  const worker = new AnchorWorker({
    ...runtime,
    logger,
    options: anchorWorkerOptions(config),
    onChainReset: () => recoverFromChainReset(runtime, logger),
  });
  worker.start();
  process.stdout.write(`EcoTrace anchoring worker ${worker.instanceId} running\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await worker.stop();
    await runtime.close();
    clearTimeout(force);
    logger.flush();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** Embedded mode with a live service on DATA_DIR: use its database and chain, not new ones. */
function attachToRunningService(config: Config, logger: Logger): Config {
  if (!config.embedded.db || embeddedMongoOwner(config.DATA_DIR) === undefined) return config;
  const read = (file: string) => fs.readFileSync(path.join(config.DATA_DIR, file), "utf8");
  const { uri } = JSON.parse(read("db.json")) as { uri: string };
  let attached: Config = { ...config, MONGODB_URI: uri, embedded: { ...config.embedded, db: false } };
  if (config.embedded.chain && fs.existsSync(path.join(config.DATA_DIR, "chain.json"))) {
    const deployment = JSON.parse(read("chain.json")) as { rpcUrl: string; registry: string };
    attached = {
      ...attached,
      RPC_URL: deployment.rpcUrl,
      REGISTRY_ADDRESS: deployment.registry,
      CHAIN_PRIVATE_KEY: read("chain/service-key").trim(),
      embedded: { db: false, chain: false },
    };
  }
  logger.info(
    { dataDir: config.DATA_DIR },
    "attached to the embedded database and chain of the running service",
  );
  return attached;
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : `EcoTrace worker could not start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
