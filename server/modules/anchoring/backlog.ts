import type { Connection } from "mongoose";
import { TraceEventRepository } from "../ledger";
import { WindowStore } from "./data/window-store";

export interface AnchoringBacklog {
  /** Events not anchored on chain yet: unclaimed, or in a window not confirmed yet. */
  pending: number;
  /** Age of the oldest of them, in seconds (0 when nothing is pending). */
  lagSeconds: number;
}

/**
 * The anchoring backlog for /healthz, without counting events one by one (issue 15: counting and
 * sorting every pending event held the embedded engine, and the service with it, for hundreds of
 * milliseconds per probe during a drain). Stored events minus those the recorded windows hold
 * (a running total kept on the windows) are unclaimed or held by a window still claiming; the
 * windows in flight add their leaf counts. Only the oldest unclaimed event is read, one along the
 * `{ anchor: 1, _id: 1 }` index.
 */
export async function anchoringBacklog(connection: Connection, now = new Date()): Promise<AnchoringBacklog> {
  const events = new TraceEventRepository(connection);
  const store = new WindowStore(connection);
  // Read side by side: each read waits for the database behind the anchoring worker's commands,
  // so one round of waiting instead of four (issue 15: /healthz during a drain).
  const [oldestUnclaimed, stored, recorded, inFlight] = await Promise.all([
    events.oldestUnanchored(),
    events.estimatedCount(),
    store.recordedTotal(),
    store.inFlight(),
  ]);
  // At least the one just read: an event unclaimed again (released, or reset in the database by
  // hand) leaves the stored count unchanged.
  const notRecorded = Math.max(stored - recorded, oldestUnclaimed ? 1 : 0);
  const times = [oldestUnclaimed?.recordTime, ...inFlight.map((window) => window.oldestRecordTime)]
    .filter((time) => time !== null && time !== undefined)
    .map((time) => new Date(time).getTime());
  const oldest = times.length > 0 ? Math.min(...times) : undefined;
  return {
    pending: notRecorded + inFlight.reduce((sum, window) => sum + (window.leafCount ?? 0), 0),
    lagSeconds: oldest === undefined ? 0 : Math.max(0, Math.round(now.getTime() - oldest) / 1000),
  };
}

/** Events in no recorded window yet: unclaimed, or claimed by a window still claiming. */
export async function unrecordedEvents(connection: Connection): Promise<number> {
  const [stored, recorded] = await Promise.all([
    new TraceEventRepository(connection).estimatedCount(),
    new WindowStore(connection).recordedTotal(),
  ]);
  return Math.max(0, stored - recorded);
}

/**
 * The backlog for /healthz and for how long anchoring has not moved while events wait (the time
 * since a window last changed state, or since the oldest pending event arrived if that is later;
 * null when nothing waits, or when the windows could not be read). All read in one round.
 */
export async function anchoringHealth(
  connection: Connection,
  now = new Date(),
): Promise<{ backlog: AnchoringBacklog; secondsSinceProgress: number | null }> {
  const [backlog, lastActivity] = await Promise.all([
    anchoringBacklog(connection, now),
    new WindowStore(connection).lastActivityAt().catch(() => undefined),
  ]);
  if (backlog.pending === 0 || lastActivity === undefined) return { backlog, secondsSinceProgress: null };
  const sinceActivity = lastActivity ? (now.getTime() - lastActivity.getTime()) / 1000 : Infinity;
  return { backlog, secondsSinceProgress: Math.max(0, Math.min(backlog.lagSeconds, sinceActivity)) };
}
