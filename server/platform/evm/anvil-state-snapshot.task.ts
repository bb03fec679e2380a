import fs from "node:fs";
import { offThreadTask } from "../threads/off-thread-result";

/**
 * Runs in the worker pool (decision 0027): the chain's state dump grows with the chain (tens of
 * MB), and reading and parsing it every 2 s on the event loop stalled requests. Copies `file` to
 * `goodFile` when it parses (temporary file, fsync, rename: a rename is atomic, a copy is not);
 * a dump being written does not parse and is skipped. Returns whether it was copied.
 */
export interface SnapshotTask {
  file: string;
  goodFile: string;
}

export const copyStateIfValid = offThreadTask(({ file, goodFile }: SnapshotTask): boolean => {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
    JSON.parse(text);
  } catch {
    return false;
  }
  const temporary = `${goodFile}.tmp`;
  const fd = fs.openSync(temporary, "w");
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, goodFile);
  return true;
});
