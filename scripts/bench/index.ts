/**
 * `npm run bench [-- name…]`: runs every scripts/bench/*.bench.ts (or those whose name contains
 * one of the arguments), one after the other, each printing its figures and ratios against a
 * baseline measured in the same run. They run compiled (tsconfig.bench.json), as `npm run start:prod`
 * runs the service: under ts-node, Node's domain module is loaded (ts-node requires its REPL), and
 * every event emitted and callback run pays for it.
 */
import fs from "node:fs";
import path from "node:path";

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const benches = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith(`.bench${path.extname(__filename)}`))
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
  if (benches.length === 0) throw new Error(`no benchmark matches ${filters.join(", ")}`);
  for (const file of benches) {
    console.log(`\n=== ${file}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- benchmarks are discovered at run time
    const bench = require(path.join(__dirname, file)) as { run(): Promise<void> };
    await bench.run();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
