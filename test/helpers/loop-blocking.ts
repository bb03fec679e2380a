import fs from "node:fs";
import { performance } from "node:perf_hooks";

/** Linux: the thread's CPU time is in /proc, in clock ticks of 10 ms (USER_HZ = 100). */
const TICK_MS = 10;
const SAMPLE_EVERY_MS = 10;
/** A tick this late means one turn of the loop took that long: a stall. */
const STALL_MS = 40;

export interface LoopBlocking {
  /** Longest wall-clock gap between two ticks of the loop's timer (ms). */
  maxStallMs: number;
  /** Most CPU time this thread spent within one stall (ms): the loop's own blocking. */
  maxOwnBlockingMs: number;
}

/**
 * Tells a stalled event loop that computed apart from one the OS descheduled (a loaded 2-core
 * machine does that for hundreds of milliseconds whatever the thread runs): a timer ticks every
 * 10 ms, and when a tick comes late, the CPU time the main thread (tid = pid) used meanwhile is
 * read from /proc/self/task/<pid>/stat. A stall spent computing costs its length in CPU time; one
 * spent descheduled costs none. Undefined where /proc is missing (not Linux).
 */
export function monitorLoopBlocking(): { stop(): LoopBlocking } | undefined {
  const statFile = `/proc/self/task/${process.pid}/stat`;
  if (!fs.existsSync(statFile)) return undefined;
  const cpuMs = () => {
    const fields = fs.readFileSync(statFile, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
  };
  let lastAt = performance.now();
  let lastCpu = cpuMs();
  const result: LoopBlocking = { maxStallMs: 0, maxOwnBlockingMs: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    const stall = now - lastAt - SAMPLE_EVERY_MS;
    if (stall > STALL_MS) {
      result.maxStallMs = Math.max(result.maxStallMs, stall);
      result.maxOwnBlockingMs = Math.max(result.maxOwnBlockingMs, cpu - lastCpu);
    }
    lastAt = now;
    lastCpu = cpu;
  }, SAMPLE_EVERY_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return result;
    },
  };
}
