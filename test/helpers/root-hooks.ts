import { stopTestEnv } from "./test-env";

/**
 * Once the last test is done and the shared database and chain are stopped, nothing should hold
 * the process open: mocha runs without `exit: true`, so a leaked handle (a server, a socket, a
 * child process, a timer) would hang the run. Past this grace period the run fails instead,
 * naming what is still open.
 */
const EXIT_GRACE_MS = 10_000;

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestEnv();
    failIfStillRunningAfter(EXIT_GRACE_MS);
  },
};

function failIfStillRunningAfter(ms: number): void {
  const watchdog = setTimeout(() => {
    console.error(
      `\nThe test run did not exit within ${ms / 1000} s of its last test; still open: ` +
        JSON.stringify(process.getActiveResourcesInfo()),
    );
    // Mocha sets the exit code to its failure count in an "exit" listener added when the run
    // ended; this later listener runs after it, so the run cannot end as a success.
    process.once("exit", () => (process.exitCode = 1));
    process.exit(1);
  }, ms);
  watchdog.unref(); // the watchdog itself must not keep the process alive
}
