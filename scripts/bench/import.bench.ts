/**
 * Bulk import benchmark: rows per second for a spreadsheet import through POST /api/imports, on a
 * fresh embedded database (or MONGODB_URI): first a dry run (parse, validate, plan), then the real
 * import (every row hashed, chained and stored), timed from upload until the import is done.
 * One row in ten registers a batch (a harvest and nine events on it); the ratio is a parameter.
 * Rows per CPU second (both of the process's threads) are printed beside the wall-clock rate: on a
 * shared machine they vary less. A chunk of rows is written with a few bulk commands (decision
 * 0038), so the rate should not fall as the number of rows grows: compare 5,000, 20,000, 100,000.
 *
 *   npx ts-node --transpile-only scripts/bench/import.bench.ts [rows] [rowsPerBatch]
 *   (defaults 100 000 and 10; about a minute and a half on the embedded database)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../server/main/config";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { startRuntime } from "../../server/main/runtime";
import { bootstrapAdmin } from "../../server/modules/organizations/bootstrap-admin";

const EVENT_TYPES = ["inspecting", "storing", "packing", "observation", "shipping", "receiving"];

export async function run({
  rows = 100_000,
  rowsPerBatch = 10,
}: { rows?: number; rowsPerBatch?: number } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-bench-import-"));
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ANCHOR_WORKER: "false",
  });
  const logger = createLogger("silent");
  const runtime = await startRuntime(config, logger);
  const { apiKey: adminKey } = await bootstrapAdmin({ connection: runtime.connection, dataDir, logger });
  const server = createApp({ config, logger, ...runtime }).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const producer = await call(
      base,
      adminKey,
      "POST",
      "/api/orgs",
      JSON.stringify({ name: "Bench co-op", roles: ["producer"] }),
      "application/json",
    );
    const csv = spreadsheet(rows, rowsPerBatch);
    const upload = (query: string) =>
      call(base, producer.apiKey as string, "POST", `/api/imports?name=bench.csv${query}`, csv, "text/csv");

    let started = process.hrtime.bigint();
    let cpu = process.cpuUsage();
    const dry = await upload("&dryRun=true");
    const drySeconds = seconds(started);
    const dryCpu = cpuSeconds(cpu);
    if (!dry.valid)
      throw new Error(`the benchmark file is invalid: ${JSON.stringify(dry.errors).slice(0, 500)}`);

    started = process.hrtime.bigint();
    cpu = process.cpuUsage();
    const job = await upload("");
    let state = job;
    while (state.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, 250));
      // The import runs in the service; a poll lost while its event loop is busy is asked again.
      state = await call(base, producer.apiKey as string, "GET", `/api/imports/${job.importId}`).catch(
        () => state,
      );
    }
    const importSeconds = seconds(started);
    const importCpu = cpuSeconds(cpu);
    if (state.state !== "done")
      throw new Error(`import ended ${state.state}: ${JSON.stringify(state.failure)}`);
    const database = config.embedded.db ? "embedded database" : "MONGODB_URI";
    console.log(
      `import: ${rows} rows (${state.batches} batches, ${state.events} events), ${(csv.length / 1e6).toFixed(1)} MB CSV, ${database}`,
    );
    const line = (what: string, wall: number, busy: number) =>
      `  ${what.padEnd(32)} ${(rows / wall).toFixed(0).padStart(7)} rows/s  ${wall.toFixed(1).padStart(6)} s` +
      `  (${(rows / busy).toFixed(0)} rows per CPU second; service, database and client share this process)`;
    console.log(line("dry run (parse, validate, plan)", drySeconds, dryCpu));
    console.log(line("import (hash, chain, store)", importSeconds, importCpu));
  } finally {
    server.close();
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function spreadsheet(rows: number, rowsPerBatch: number): Buffer {
  const lines = [
    "type,lot,product,category,gtin,quantity,unit,place,region_code,harvested_at,event_time,location_name,result_name,result_value,result_unit,result_pass,note",
  ];
  for (let row = 0; row < rows; row++) {
    const batch = Math.floor(row / rowsPerBatch);
    const lot = `B${String(batch).padStart(7, "0")}`;
    const step = row % rowsPerBatch;
    if (step === 0) {
      lines.push(
        `batch,${lot},安吉白茶,tea,06901234567892,500,KGM,黄杜村 ${batch % 50}号茶园,330523,2026-04-12,,,,,,,`,
      );
    } else {
      const type = EVENT_TYPES[(step - 1) % EVENT_TYPES.length];
      const result = type === "inspecting" ? `moisture,${(5 + (row % 30) / 10).toFixed(1)},P1,yes` : ",,,";
      lines.push(
        `${type},${lot},,,,,,,,,2026-04-13T08:${String(step % 60).padStart(2, "0")}:00+08:00,3号仓库,${result},row ${row}`,
      );
    }
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

async function call(
  base: string,
  key: string,
  method: string,
  route: string,
  body?: string | Buffer,
  type?: string,
) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(type ? { "content-type": type } : {}) },
    body,
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${route} answered ${response.status}: ${JSON.stringify(json).slice(0, 1000)}`);
  return json;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (require.main === module) {
  const [rows, rowsPerBatch] = process.argv.slice(2).map(Number);
  run({ rows: rows || undefined, rowsPerBatch: rowsPerBatch || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
