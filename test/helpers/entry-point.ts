import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist");

let compiled: boolean | undefined;

/**
 * Node arguments that run one of the project's entry points (`server/main/start.ts`,
 * `scripts/worker.ts`, …) in a child process: its compiled JavaScript in dist/ when `npm run build`
 * has compiled the current sources, otherwise the TypeScript under ts-node, whose start-up costs
 * seconds per child. dist/ older than any source would run stale code, so it is then not used.
 */
export function entryPointArgs(entry: string): string[] {
  if (compiled === undefined) {
    const stale = findUncompiledSource();
    compiled = stale === undefined;
    if (stale) {
      process.stderr.write(
        `note: spawned entry points run under ts-node: dist/ is missing or older than ${stale} (npm run build)\n`,
      );
    }
  }
  if (compiled) return [path.join(DIST, entry.replace(/\.ts$/, ".js"))];
  return ["-r", "ts-node/register/transpile-only", entry];
}

/** The first source whose compiled output in dist/ is missing or older; undefined when dist/ is current. */
export function findUncompiledSource(): string | undefined {
  return builtSources().find((source) => !isCompiled(source));
}

/** The files tsconfig.build.json compiles (or copies) into dist/, relative to the repository. */
function builtSources(): string[] {
  const under = (dir: string, recursive: boolean) =>
    fs.existsSync(path.join(ROOT, dir))
      ? fs.readdirSync(path.join(ROOT, dir), { recursive }).map((name) => path.join(dir, String(name)))
      : [];
  return [...under("server", true), ...under("typechain-types", true), ...under("scripts", false)].filter(
    (file) => (file.endsWith(".ts") && !file.endsWith(".d.ts")) || file.endsWith(".json"),
  );
}

/** tsc rewrites every output on each build, so an output older than its source is stale. */
function isCompiled(source: string): boolean {
  const output = path.join(DIST, source.replace(/\.ts$/, ".js"));
  return fs.existsSync(output) && fs.statSync(output).mtimeMs >= fs.statSync(path.join(ROOT, source)).mtimeMs;
}
