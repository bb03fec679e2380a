import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** Plain JavaScript, so it runs the same whether the service runs compiled or under ts-node. */
const BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const { entry, exportName, tsNode } = workerData.moduleThread;
if (tsNode) {
  require(tsNode).register({ transpileOnly: true, projectSearchDir: require("node:path").dirname(entry) });
}
require(entry)[exportName]();
`;

/**
 * Starts a worker thread that runs `exportName` of the module `entry` (pass `__filename` of the
 * module that holds it). Under ts-node the thread registers ts-node before loading `entry`; under
 * `npm run build` `entry` is the compiled `.js` and nothing is registered. The thread reads its
 * own `data` as `workerData.data`.
 */
export function startModuleThread(
  entry: string,
  exportName: string,
  data: unknown,
  options: Omit<WorkerOptions, "eval" | "workerData"> = {},
): Worker {
  const tsNode = path.extname(entry) === ".ts" ? require.resolve("ts-node") : undefined;
  return new Worker(BOOTSTRAP, {
    ...options,
    eval: true,
    workerData: { moduleThread: { entry, exportName, tsNode }, data },
  });
}
