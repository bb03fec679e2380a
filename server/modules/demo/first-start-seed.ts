import fs from "node:fs";
import path from "node:path";
import type { Connection } from "mongoose";
import { OrganizationRepository } from "../organizations";
import type { Logger } from "../../platform/logger";
import { demoOutDir, seedDemo, type DemoSummary } from "./seed-demo";
import { formatDemoSummary } from "./demo-summary";

/**
 * `npm start`'s offer to a newcomer: on the first start with an empty database (no organization
 * but the bootstrapped admin) and DEMO_SEED on, seed the demo dataset in the background through
 * the service's own HTTP API. It never blocks or breaks start-up: a failure is a warning.
 */
export function shouldSeedDemo(options: { enabled: boolean; organizations: number }): boolean {
  return options.enabled && options.organizations <= 1;
}

export interface FirstStartSeed {
  /** Settles when the seed is done, skipped, failed or stopped; never rejects. */
  done: Promise<DemoSummary | null>;
  /** Aborts a seed in progress (shutdown). */
  stop(): void;
}

export function startFirstStartSeed(deps: {
  connection: Connection;
  enabled: boolean;
  dataDir: string;
  /** Where this process reaches the service it serves, and its admin key. */
  baseUrl: string;
  adminKey: string;
  logger: Logger;
  /** Prints text for the person at the terminal (the demo's pages, once seeded or found again). */
  announce?: (text: string) => void;
}): FirstStartSeed {
  const controller = new AbortController();
  const { logger } = deps;
  const done = (async () => {
    try {
      if (!deps.enabled) return null;
      const organizations = await new OrganizationRepository(deps.connection).countUpTo(2);
      if (!shouldSeedDemo({ enabled: deps.enabled, organizations })) {
        logger.info("demo seed skipped: the database already holds organizations");
        const earlier = readDemoSummary(deps.dataDir);
        if (earlier) deps.announce?.(formatDemoSummary({ ...earlier, seeded: false }));
        return null;
      }
      logger.info(
        "first start with an empty database: seeding the demo dataset (DEMO_SEED=false turns it off)",
      );
      const summary = await seedDemo({
        baseUrl: deps.baseUrl,
        adminKey: deps.adminKey,
        outDir: demoOutDir(deps.dataDir),
        signal: controller.signal,
        onStep: (step) => logger.debug({ step }, "demo seed"),
      });
      logSummary(logger, summary);
      writeDemoSummary(deps.dataDir, summary);
      deps.announce?.(formatDemoSummary(summary));
      return summary;
    } catch (error) {
      if (!controller.signal.aborted) {
        logger.warn({ err: error }, "the demo seed failed; the service runs on without demo data");
      }
      return null;
    }
  })();
  return { done, stop: () => controller.abort() };
}

function logSummary(logger: Logger, summary: DemoSummary): void {
  for (const page of summary.pages) {
    logger.info(
      {
        url: page.digitalLink,
        verdict: page.expectedVerdict,
        batchId: page.batchId,
        publicId: page.publicId,
      },
      `demo consumer page: ${page.title.zh} / ${page.title.en}`,
    );
  }
  if (summary.brand) {
    logger.info(
      { url: summary.brand.page, report: summary.brand.report, brandId: summary.brand.id },
      "demo brand page",
    );
  }
  logger.info(
    {
      itemSerial: summary.serial?.digitalLink,
      files: summary.files,
      durationMs: summary.durationMs,
    },
    "demo data seeded: open a consumer page above, or the QR codes and labels in DATA_DIR/demo",
  );
}

/** Where the seeded demo's summary is kept, so a restart (and the landing page) can show its pages again. */
export function demoSummaryFile(dataDir: string): string {
  return path.join(demoOutDir(dataDir), "summary.json");
}

function writeDemoSummary(dataDir: string, summary: DemoSummary): void {
  fs.writeFileSync(demoSummaryFile(dataDir), `${JSON.stringify(summary, null, 2)}\n`);
}

/** The summary of the demo seeded into this data directory, or null. */
export function readDemoSummary(dataDir: string): DemoSummary | null {
  try {
    return JSON.parse(fs.readFileSync(demoSummaryFile(dataDir), "utf8")) as DemoSummary;
  } catch {
    return null;
  }
}
