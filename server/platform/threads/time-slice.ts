import { performance } from "node:perf_hooks";

/** How long a loop on the event loop may compute before it lets other work run (decision 0027). */
export const SLICE_MS = 20;

/**
 * For long loops on the event loop (planning thousands of import rows or capture events): call the
 * returned function and await it on every iteration. It reads the clock, and once `sliceMs` have
 * passed since the last pause it yields to the event loop (setImmediate: timers, I/O and other
 * requests run first), so no stretch of the loop holds the thread much longer than `sliceMs`.
 */
export function timeSlicer(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
}
