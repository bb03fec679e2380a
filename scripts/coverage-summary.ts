/**
 * Prints the service's coverage from the last c8 run of the fast tier (unit + integration, in
 * `npm test` and `npm run test:fast`) as one line, for people and for CI's log, then the
 * least-covered files: where the next tests pay off most. Only that tier runs under c8: node
 * passes NODE_V8_COVERAGE on to every child process, and measuring the spawned-process tier's
 * children cost ~30% more CPU there and 400 MB of raw coverage.
 * c8 counts every line of a file, comments and blank lines included, so branches are the
 * stricter figure.
 *
 *   npm run test:fast   (runs unit + integration under c8, then this)
 */
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SUMMARY = path.join(ROOT, "coverage/server/coverage-summary.json");
const LEAST_COVERED_SHOWN = 5;

interface Metric {
  total: number;
  covered: number;
  pct: number;
}
type FileSummary = Record<"lines" | "branches" | "functions" | "statements", Metric>;

if (!fs.existsSync(SUMMARY)) {
  console.error(`no coverage measured yet (${path.relative(ROOT, SUMMARY)}): run npm run test:fast`);
  process.exit(1);
}
const summary = JSON.parse(fs.readFileSync(SUMMARY, "utf8")) as Record<string, FileSummary>;
const { total, ...files } = summary;
const figure = (metric: Metric) => `${metric.pct.toFixed(1)}% (${metric.covered}/${metric.total})`;

console.log(
  `server coverage (unit + integration; code run only by spawned processes counts as uncovered): ` +
    `lines ${figure(total.lines)}, branches ${figure(total.branches)}, ` +
    `functions ${figure(total.functions)}`,
);
const leastCovered = Object.entries(files)
  .filter(([, file]) => file.lines.total > 0)
  .sort(([, a], [, b]) => a.lines.pct - b.lines.pct || b.lines.total - a.lines.total)
  .slice(0, LEAST_COVERED_SHOWN)
  .map(([file, { lines }]) => `${path.relative(ROOT, file)} ${lines.pct.toFixed(0)}%`);
console.log(`least covered (lines): ${leastCovered.join(", ")}`);
