/**
 * Exponential back-off, capped: the n-th consecutive failure waits base × 2^(n-1), at most max.
 * No jitter: only the lease holder retries, so there is no herd to spread out, and the sequence
 * stays predictable for operators reading the log.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(consecutiveFailures: number, { baseMs, maxMs }: BackoffPolicy): number {
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 1) return 0;
  // 2^30 already exceeds any sensible cap; stop there so the arithmetic stays exact.
  const exponent = Math.min(consecutiveFailures - 1, 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}
