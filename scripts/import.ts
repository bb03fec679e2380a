/**
 * Bulk import of batches and events from a spreadsheet (docs/import-format.md).
 *
 *   npm run import -- harvest.csv --dry-run                      check the file offline (format only)
 *   npm run import -- harvest.xlsx --dry-run --key-file key.txt  check it against the service
 *   npm run import -- harvest.xlsx --key-file key.txt            import it (progress bar, summary)
 *   npm run import -- --template harvest.csv                     write an example file to fill in
 *
 * The file is uploaded to POST /api/imports (--url, default PUBLIC_BASE_URL) as the organization
 * of the API key. Producers with weak connectivity prepare and check files offline and upload them
 * later. Running the same file again never imports a row twice: it shows the import's progress,
 * resumes it if the service was interrupted, or reports that it is done.
 * Exit code: 0 imported (or valid), 1 rows with problems or import failed, 2 usage or connection.
 */
import fs from "node:fs";
import path from "node:path";
import { SingleBar } from "cli-progress";
import { Command } from "commander";
import { loadConfig } from "../server/main/config";
import { readImportFile } from "../server/modules/imports/import-file";
import {
  headerErrors,
  IMPORT_COLUMNS,
  stepForRow,
  type RowError,
} from "../server/modules/imports/import-rows";
import type { ImportView } from "../server/modules/imports/import-run";

interface Options {
  dryRun?: boolean;
  url?: string;
  key?: string;
  keyFile?: string;
  template?: string;
  pollMs: string;
}

class UsageError extends Error {}

/** How long the progress may stay unreachable before the CLI gives up (the import goes on). */
const UNREACHABLE_MS = 120_000;

const TEMPLATE_ROWS: Record<string, string>[] = [
  {
    type: "batch",
    lot: "AJBC-2026-0412",
    product: "安吉白茶 明前特级",
    category: "tea",
    gtin: "06901234567892",
    quantity: "500",
    unit: "KGM",
    place: "溪龙乡黄杜村 3号茶园",
    region_code: "330523",
    harvested_at: "2026-04-12",
    lat: "30.64",
    lon: "119.68",
  },
  {
    type: "inspecting",
    lot: "AJBC-2026-0412",
    event_time: "2026-04-13T08:00:00+08:00",
    location_name: "安吉县农产品检测站",
    result_name: "moisture",
    result_value: "6.5",
    result_unit: "P1",
    result_pass: "yes",
    data: '{"lab":"浙江省农产品质量检测中心"}',
  },
  {
    type: "storing",
    lot: "AJBC-2026-0412",
    event_time: "2026-04-14T09:30:00+08:00",
    location_name: "3号冷库",
  },
];

/** An example file with every column, one batch and two of its events. */
function templateCsv(): string {
  const columns = Object.keys(IMPORT_COLUMNS);
  const quote = (value = "") => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [columns, ...TEMPLATE_ROWS.map((row) => columns.map((column) => row[column]))]
    .map((cells) => cells.map(quote).join(","))
    .join("\n");
}

async function main(file: string | undefined, options: Options): Promise<number> {
  if (options.template) {
    fs.writeFileSync(options.template, `${templateCsv()}\n`);
    console.log(`wrote ${options.template}: fill it in (columns: docs/import-format.md)`);
    return 0;
  }
  if (!file) throw new UsageError("give the file to import (.csv or .xlsx)");
  const bytes = fs.readFileSync(file);
  const key = options.key ?? (options.keyFile ? fs.readFileSync(options.keyFile, "utf8").trim() : undefined);
  if (!key) {
    if (!options.dryRun)
      throw new UsageError("--key or --key-file is needed to upload (or check offline with --dry-run)");
    return offlineCheck(bytes, file);
  }
  const base = (options.url ?? loadConfig().PUBLIC_BASE_URL).replace(/\/$/, "");
  const query = new URLSearchParams({
    name: path.basename(file),
    ...(options.dryRun ? { dryRun: "true" } : {}),
  });
  const type = /\.xlsx$/i.test(file)
    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    : "text/csv";
  const uploaded = await request(base, key, "POST", `/api/imports?${query}`, { body: bytes, type });
  if (uploaded.status === 422) {
    printErrors(uploaded.body.error.details?.errors ?? [], uploaded.body.error.message);
    return 1;
  }
  if (uploaded.status >= 400)
    throw new UsageError(`the service answered ${uploaded.status}: ${uploaded.body.error?.message}`);
  if (options.dryRun) {
    const report = uploaded.body;
    if (!report.valid) {
      printErrors(
        report.errors,
        `${new Set(report.errors.map((error: RowError) => error.row)).size} of ${report.rows} rows have problems`,
      );
      return 1;
    }
    console.log(
      `${file}: ${report.rows} rows are valid: ${counted(report.batches, "batch", "batches")} and ${counted(report.events, "event", "events")} would be stored`,
    );
    return 0;
  }
  const job = await follow(base, key, uploaded.body, Number(options.pollMs));
  if (job.state !== "done") {
    console.error(`import ${job.importId} stopped at row ${job.failure?.row}: ${job.failure?.message}`);
    console.error("fix the cause and run the same command again: stored rows are kept, none is stored twice");
    return 1;
  }
  console.log(
    `${file}: ${job.replayed && uploaded.status === 200 ? "already imported" : "imported"} ${job.rows} rows: ` +
      `${counted(job.batches, "batch", "batches")} and ${counted(job.events, "event", "events")} (import ${job.importId})`,
  );
  return 0;
}

/** Format checks that need no service: columns, values, dates, GTIN check digits, region codes. */
async function offlineCheck(bytes: Buffer, file: string): Promise<number> {
  const config = loadConfig();
  const parsed = await readImportFile(bytes, file, {
    maxRows: config.IMPORT_MAX_ROWS,
    maxUnzippedBytes: config.IMPORT_MAX_UNZIPPED_MB * 2 ** 20,
  });
  const errors = headerErrors(parsed.columns);
  if (errors.length === 0) {
    for (const row of parsed.rows) {
      const result = stepForRow(row, { file: "offline" });
      if ("errors" in result) errors.push(...result.errors);
    }
  }
  if (errors.length > 0) {
    printErrors(
      errors,
      `${new Set(errors.map((error) => error.row)).size} of ${parsed.rows.length} rows have problems`,
    );
    return 1;
  }
  console.log(
    `${file}: ${parsed.rows.length} rows are well-formed (offline check; lots, permissions and quantities are checked when uploaded)`,
  );
  return 0;
}

/** Polls the import, drawing a progress bar, until it is no longer running. */
async function follow(base: string, key: string, job: ImportView, pollMs: number): Promise<ImportView> {
  const bar = new SingleBar({
    format: "importing [{bar}] {percentage}% | {value}/{total} rows | {eta_formatted} left",
    stream: process.stderr,
    noTTYOutput: false,
    hideCursor: true,
  });
  bar.start(job.rows, job.written);
  let unreachableSince: number | undefined;
  try {
    while (job.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(base, key, "GET", `/api/imports/${job.importId}`);
        unreachableSince = undefined;
      } catch (error) {
        // The import goes on in the service; keep asking through a weak connection for a while.
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > UNREACHABLE_MS) {
          throw new UsageError(
            `lost ${base} (${(error as Error).message}); the import goes on there: run the same command again to follow it`,
          );
        }
        continue;
      }
      if (response.status !== 200)
        throw new UsageError(`the service answered ${response.status}: ${response.body.error?.message}`);
      job = { ...response.body, replayed: job.replayed };
      bar.update(job.written);
    }
  } finally {
    bar.stop();
  }
  return job;
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function printErrors(errors: RowError[], headline: string): void {
  console.error(`${headline}; nothing was stored:`);
  for (const error of errors) {
    console.error(
      `  row ${error.row}${error.column ? `, ${error.column}` : ""}: ${error.problem}${error.code ? ` [${error.code}]` : ""}`,
    );
  }
}

async function request(
  base: string,
  key: string,
  method: string,
  route: string,
  upload?: { body: Buffer; type: string },
) {
  let response: Response;
  try {
    response = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(upload ? { "content-type": upload.type } : {}) },
      body: upload?.body,
    });
  } catch (error) {
    throw new UsageError(
      `cannot reach ${base}: ${(error as Error).message}; nothing was sent, try again later`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the service's JSON answers
  return { status: response.status, body: (await response.json()) as any };
}

const program = new Command()
  .name("import")
  .description("import batches and events from a .csv or .xlsx file (docs/import-format.md)")
  .argument("[file]", "the spreadsheet to import")
  .option("--dry-run", "check every row and store nothing (offline without --key)")
  .option("--url <url>", "the service (default PUBLIC_BASE_URL)")
  .option("--key <apiKey>", "API key of the importing organization")
  .option("--key-file <path>", "file holding the API key")
  .option("--template <path>", "write an example file to fill in, and exit")
  .option("--poll-ms <ms>", "how often to ask for progress", "500")
  .action(async (file: string | undefined, options: Options) => {
    process.exitCode = await main(file, options);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`import: ${(error as Error).message}`);
  process.exitCode =
    error instanceof UsageError || (error as NodeJS.ErrnoException).code === "ENOENT" ? 2 : 1;
});
