/**
 * Builds the web console (console/ → console/dist, `vite build`) when its build is missing or
 * older than any of its sources. `npm start` runs it first, so a fresh clone serves the console
 * after `npm ci && npm start` with no extra command, and an unchanged console costs only the
 * check (decision 0026). `--force` builds whatever the dates say (`npm run build`).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const CONSOLE = path.resolve(__dirname, "../console");
const BUILT = path.join(CONSOLE, "dist", "index.html");
// The signed certification message is built by the server's own pure domain function, and finding
// kinds are named with the audit report's labels (shared, not copied).
const SOURCES = [
  "src",
  "index.html",
  "vite.config.mts",
  "tsconfig.json",
  "../package-lock.json",
  "../server/modules/certifications/domain",
  "../server/modules/audit/domain/findings.ts",
  "../server/modules/audit/domain/finding-labels.ts",
];

/** The first console source newer than the build, or the build itself when missing; undefined when current. */
export function staleConsoleSource(): string | undefined {
  if (!fs.existsSync(BUILT)) return BUILT;
  const builtAt = fs.statSync(BUILT).mtimeMs;
  return SOURCES.flatMap((source) => filesUnder(path.join(CONSOLE, source))).find(
    (file) => fs.statSync(file).mtimeMs > builtAt,
  );
}

function filesUnder(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  if (!fs.statSync(file).isDirectory()) return [file];
  return fs.readdirSync(file, { recursive: true }).map((name) => path.join(file, String(name)));
}

export function buildConsole(): void {
  const vite = path.resolve(__dirname, "../node_modules/.bin/vite");
  const result = spawnSync(vite, ["build", "--config", path.join(CONSOLE, "vite.config.mts")], {
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`console build failed (vite exited with ${result.status})`);
}

/** Builds when stale (or always with `force`); returns whether it built. */
export function buildConsoleIfStale(force = false): boolean {
  const stale = force ? "--force" : staleConsoleSource();
  if (!stale) return false;
  const started = Date.now();
  buildConsole();
  process.stdout.write(
    `console built in ${((Date.now() - started) / 1000).toFixed(1)} s (${path.relative(process.cwd(), stale)})\n`,
  );
  return true;
}

if (require.main === module) {
  try {
    buildConsoleIfStale(process.argv.includes("--force"));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
