/** Waits before restarting what died: doubling from the first to the last; the count starts over after a minute's run. */
const FIRST_MS = 250;
const LAST_MS = 30_000;
const HEALTHY_RUN_MS = 60_000;

/**
 * When to start a supervised thread or child process again (the embedded database's thread, the
 * embedded anvil node): at once would spin on a fault that repeats at start, so each failed start
 * doubles the wait, and a run long enough to call healthy forgets the failures behind it.
 */
export class RestartBackoff {
  private failedStarts = 0;
  private startedAtMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly restart: () => Promise<void>,
    private readonly clock: { now(): number; after(ms: number, run: () => void): NodeJS.Timeout } = {
      now: Date.now,
      after: (ms, run) => setTimeout(run, ms),
    },
  ) {}

  /** It serves from now. */
  started(): void {
    this.startedAtMs = this.clock.now();
  }

  /** It died: start it again after the wait (the first one if it had run healthily). */
  died(): void {
    if (this.clock.now() - this.startedAtMs >= HEALTHY_RUN_MS) this.failedStarts = 0;
    this.retry();
  }

  /** A start failed: try again after a longer wait. */
  retry(): void {
    const wait = Math.min(LAST_MS, FIRST_MS * 2 ** this.failedStarts);
    this.failedStarts += 1;
    this.timer = this.clock.after(wait, () => void this.restart());
  }

  /** No restart is pending any more (a stop). */
  cancel(): void {
    clearTimeout(this.timer);
  }
}
