import path from "node:path";
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
  process.stdout.write(startSummary(config, service.url));
  const demo = startFirstStartSeed({
    connection: service.runtime.connection,
    enabled: config.DEMO_SEED,
    dataDir: config.DATA_DIR,
    baseUrl: service.url,
    adminKey: service.adminKey,
    logger,
    announce: (text) => process.stdout.write(`\n${text}\n`),
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

/** What a newcomer at the terminal needs first: where it serves, the admin key, where to click. */
function startSummary(config: ReturnType<typeof loadConfig>, url: string): string {
  const keyFile = config.ADMIN_API_KEY
    ? "ADMIN_API_KEY (环境变量 / environment)"
    : path.relative(process.cwd(), path.join(config.DATA_DIR, "admin-api-key")) || "admin-api-key";
  return [
    "",
    `EcoTrace is serving / 已启动: ${url}`,
    `  首页 / Home:                 ${url}/`,
    `  控制台 / Console:            ${url}/console`,
    `  API 文档 / API docs:         ${url}/docs`,
    `  管理员密钥 / Admin key file: ${keyFile}`,
    config.DEMO_SEED ? "  演示页面稍后列出，也见首页 / Demo pages follow below and on the home page" : "",
    "",
  ]
    .filter((line, index, lines) => line !== "" || index === 0 || index === lines.length - 1)
    .join("\n");
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `EcoTrace could not start: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
