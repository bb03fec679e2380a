import fs from "node:fs";

/** The anchoring steps a crash test can kill the process at (ANCHOR_FAULT). */
export const ANCHOR_FAULTS = [
  "exit-after-claimed",
  "exit-after-recorded",
  "exit-after-submitted",
  "exit-after-broadcast",
  "exit-after-confirmed",
] as const;

export type FaultPoint = (typeof ANCHOR_FAULTS)[number];
export type FaultHook = (point: FaultPoint) => void;

/**
 * Fault injection for the crash tests (ANCHOR_FAULT, refused in production): at the configured
 * step the process kills itself with SIGKILL, exactly like `kill -9` (no cleanup, no flush), after
 * one synchronous line on stderr so that the test can tell the step was reached.
 */
export function faultInjector(
  configured: FaultPoint | undefined,
  kill: () => void = () => process.kill(process.pid, "SIGKILL"),
  announce: (line: string) => void = (line) => fs.writeSync(2, line),
): FaultHook {
  if (!configured) return () => undefined;
  return (point) => {
    if (point !== configured) return;
    announce(`ANCHOR_FAULT ${point}: killing process ${process.pid}\n`);
    kill();
  };
}
