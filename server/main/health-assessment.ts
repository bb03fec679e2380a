/**
 * What /healthz concludes from its checks, written once:
 *
 * - `unavailable` (503): the database does not answer — nothing can be recorded;
 * - `degraded` (200, or 503 for a strict caller such as a load balancer): requests are served and
 *   events accepted, but anchoring falls behind: the chain does not answer, the anchoring lag
 *   passed the threshold, the backlog made no progress for that long, or this instance's worker
 *   keeps failing;
 * - `ok` (200) otherwise.
 */
export interface HealthFacts {
  dbUp: boolean;
  chainError: string | null;
  /** null when the backlog could not be read (the database failing is reported already). */
  backlog: { pending: number; lagSeconds: number; secondsSinceProgress: number | null } | null;
  worker: { consecutiveFailures: number; lastError: string | null } | null;
  lagDegradedSeconds: number;
}

/** Consecutive failed worker steps (each backed off) after which the worker counts as stuck. */
export const WORKER_FAILURES_DEGRADED = 3;

export function assessHealth(facts: HealthFacts): {
  status: "ok" | "degraded" | "unavailable";
  reasons: string[];
} {
  const reasons: string[] = [];
  if (!facts.dbUp) reasons.push("database unreachable");
  if (facts.chainError !== null) reasons.push(`chain unreachable: ${facts.chainError}`);
  const backlog = facts.backlog;
  const threshold = facts.lagDegradedSeconds;
  if (backlog && backlog.lagSeconds > threshold) {
    reasons.push(`anchoring lag ${Math.round(backlog.lagSeconds)} s exceeds ${threshold} s`);
  }
  if (backlog && backlog.pending > 0 && (backlog.secondsSinceProgress ?? 0) > threshold) {
    reasons.push(
      `anchoring made no progress for ${Math.round(backlog.secondsSinceProgress!)} s while ${backlog.pending} events wait`,
    );
  }
  if (facts.worker && facts.worker.consecutiveFailures >= WORKER_FAILURES_DEGRADED) {
    reasons.push(
      `anchoring worker failed ${facts.worker.consecutiveFailures} times in a row: ${facts.worker.lastError}`,
    );
  }
  const status = !facts.dbUp ? "unavailable" : reasons.length > 0 ? "degraded" : "ok";
  return { status, reasons };
}
