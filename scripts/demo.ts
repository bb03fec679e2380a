/**
 * `npm run demo`: seeds the demo dataset (Anji white tea: brand owner, certifier, two co-ops,
 * tea factory, cold-chain logistics, retailer; harvest → processing → shipping → retail, one
 * recall, one revoked certificate, all anchored) and prints the consumer pages to open.
 *
 *   npm run demo                       # uses the service at http://HOST:PORT, or starts one here
 *   npm run demo -- --exit             # stop the started service after seeding
 *   npm run demo -- --url https://trace.example --admin-key et_…
 *
 * The seed drives the service's public HTTP API like any client. A service it started keeps
 * running (Ctrl-C stops it). A database that already holds the demo is not seeded twice.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { ConfigError, loadConfig, type Config } from "../server/main/config";
import { formatDemoSummary } from "../server/modules/demo/demo-summary";
import { demoOutDir, seedDemo } from "../server/modules/demo/seed-demo";
import { createLogger } from "../server/platform/logger";
import { startService, type RunningService } from "../server/main/service";

interface DemoOptions {
  url?: string;
  adminKey?: string;
  out?: string;
  exit?: boolean;
}

async function main(options: DemoOptions): Promise<void> {
  // Request logs of a service started here would bury the summary: warn unless LOG_LEVEL says otherwise.
  const config = loadConfig({ LOG_LEVEL: "warn", ...process.env });
  const url = options.url ?? defaultUrl(config);
  let service: RunningService | undefined;
  if (await answers(url)) {
    console.log(`Using the EcoTrace service at ${url}`);
  } else if (options.url) {
    throw new Error(`no EcoTrace service answers at ${url}/healthz`);
  } else {
    console.log(`No service at ${url}: starting one with the configuration (DATA_DIR ${config.DATA_DIR})`);
    service = await startService(config, createLogger(config.LOG_LEVEL, { pretty: process.stdout.isTTY }));
  }
  try {
    const summary = await seedDemo({
      baseUrl: service?.url ?? url,
      adminKey: options.adminKey ?? service?.adminKey ?? readAdminKey(config),
      outDir: options.out ? path.resolve(options.out) : demoOutDir(config.DATA_DIR),
      onStep: (step) => console.log(`  · ${step}`),
    });
    console.log(`\n${formatDemoSummary(summary)}`);
  } catch (error) {
    await service?.close();
    throw error;
  }
  if (!service) return;
  if (options.exit) {
    await service.close();
    return;
  }
  console.log(`EcoTrace keeps serving on ${service.url}; Ctrl-C stops it. / 服务继续运行，按 Ctrl-C 停止。`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await service.close();
}

function defaultUrl(config: Config): string {
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
  return `http://${host}:${config.PORT}`;
}

/** Whether an EcoTrace service (healthy or not) answers at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, "")}/healthz`, {
      signal: AbortSignal.timeout(3_000),
    });
    const body = (await response.json()) as { status?: unknown };
    return typeof body.status === "string";
  } catch {
    return false;
  }
}

function readAdminKey(config: Config): string {
  if (config.ADMIN_API_KEY) return config.ADMIN_API_KEY;
  const file = path.join(config.DATA_DIR, "admin-api-key");
  if (!fs.existsSync(file)) {
    throw new Error(
      `no admin key: give --admin-key, or run the service on this DATA_DIR (${file} is missing)`,
    );
  }
  return fs.readFileSync(file, "utf8").trim();
}

new Command()
  .name("demo")
  .description("Seed the EcoTrace demo dataset and print its consumer pages")
  .option("--url <url>", "service to seed (default http://HOST:PORT; started here when nothing answers)")
  .addOption(
    new Option("--admin-key <key>", "admin API key (default: ADMIN_API_KEY or DATA_DIR/admin-api-key)").env(
      "ECOTRACE_ADMIN_KEY",
    ),
  )
  .option("--out <dir>", "where QR PNGs, the label PDF and accounts.json go (default DATA_DIR/demo)")
  .option("--exit", "stop a service started here once the demo is seeded")
  .action(main)
  .parseAsync()
  .then(() => process.exit(0))
  .catch((error: Error) => {
    console.error(error instanceof ConfigError ? error.message : `demo: ${error.message}`);
    process.exit(1);
  });
