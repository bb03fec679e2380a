import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../logger";
import { runOffThread } from "../threads/off-thread-pool";
import type { SnapshotTask } from "./anvil-state-snapshot.task";

/**
 * anvil's `--state FILE --state-interval N` rewrites FILE in place, so a kill -9 (of anvil, or of
 * the machine) during a dump leaves it cut off and the next anvil refuses to start. This keeps the
 * last dump that parsed as `FILE.good` (copied to a temporary file, then renamed: a rename is
 * atomic, a copy is not; off the event loop) and, before anvil starts, puts a good file in FILE's
 * place.
 */
export class AnvilStateFile {
  readonly file: string;
  readonly goodFile: string;
  private lastSavedMtimeMs = 0;

  constructor(
    dir: string,
    private readonly logger?: Logger,
  ) {
    this.file = path.join(dir, "anvil-state.json");
    this.goodFile = `${this.file}.good`;
  }

  /**
   * Before a start: a state file that parses is kept; a corrupt one is moved aside and replaced
   * by the last good snapshot, or removed when there is none (anvil then starts a fresh chain).
   * Returns what was done, also logged.
   */
  prepare(): "kept" | "none" | "restored-good" | "fresh" {
    if (!fs.existsSync(this.file)) {
      if (!isValidState(this.goodFile)) return "none";
      fs.copyFileSync(this.goodFile, this.file);
      this.logger?.warn({ file: this.file }, "chain state file missing; restored the last good snapshot");
      return "restored-good";
    }
    if (isValidState(this.file)) return "kept";
    const aside = `${this.file}.corrupt-${Date.now()}`;
    fs.renameSync(this.file, aside);
    if (isValidState(this.goodFile)) {
      fs.copyFileSync(this.goodFile, this.file);
      this.logger?.error(
        { file: this.file, movedAside: aside },
        "chain state file is corrupt (cut off mid-write?); restored the last good snapshot",
      );
      return "restored-good";
    }
    this.logger?.error(
      { file: this.file, movedAside: aside },
      "chain state file is corrupt and no good snapshot exists; starting a fresh chain (the service re-anchors and restores from its records)",
    );
    return "fresh";
  }

  /**
   * Copies the current dump to `.good` when it changed and parses; a dump being written is skipped.
   * The read, parse and copy run in the worker pool (anvil-state-snapshot.task.ts).
   */
  async snapshot(): Promise<boolean> {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(this.file).mtimeMs;
    } catch {
      return false;
    }
    if (mtimeMs === this.lastSavedMtimeMs) return false;
    const copied = await runOffThread<SnapshotTask, boolean>(
      { filename: require.resolve("./anvil-state-snapshot.task"), name: "copyStateIfValid" },
      { file: this.file, goodFile: this.goodFile },
    );
    if (copied) this.lastSavedMtimeMs = mtimeMs;
    return copied;
  }
}

function isValidState(file: string): boolean {
  try {
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    return typeof state === "object" && state !== null;
  } catch {
    return false;
  }
}
