import type { Connection } from "mongoose";
import { TraceEventRepository } from "../ledger";
import { WindowStore, claimMarker } from "./data/window-store";

export interface AnchoringBacklog {
  /** Events not anchored on chain yet: unclaimed, or in a window not confirmed yet. */
  pending: number;
  /** Age of the oldest of them, in seconds (0 when nothing is pending). */
  lagSeconds: number;
}

/**
 * The anchoring backlog for /healthz. Uses only the `{ anchor: 1, _id: 1 }` index of events and
 * the small set of unfinished windows (which store their leaf count and oldest record time).
 */
export async function anchoringBacklog(connection: Connection, now = new Date()): Promise<AnchoringBacklog> {
  const events = new TraceEventRepository(connection);
  const unclaimed = await events.countUnanchored();
  const oldestUnclaimed = await events.oldestUnanchored();
  const inFlight = await new WindowStore(connection).inFlight();
  // A window still claiming has not stored its leaf count yet: count the events it has claimed.
  const claiming = await Promise.all(
    inFlight
      .filter((window) => window.state === "claiming")
      .map((window) => events.countWithAnchor(claimMarker(window._id))),
  );
  const times = [oldestUnclaimed?.recordTime, ...inFlight.map((window) => window.oldestRecordTime)]
    .filter((time) => time !== null && time !== undefined)
    .map((time) => new Date(time).getTime());
  const oldest = times.length > 0 ? Math.min(...times) : undefined;
  return {
    pending:
      unclaimed +
      claiming.reduce((sum, count) => sum + count, 0) +
      inFlight.reduce((sum, window) => sum + (window.leafCount ?? 0), 0),
    lagSeconds: oldest === undefined ? 0 : Math.max(0, Math.round(now.getTime() - oldest) / 1000),
  };
}

/**
 * For how long anchoring has not moved while events wait: the time since a window last changed
 * state, or since the oldest pending event arrived if that is later. Null when nothing waits.
 */
export async function secondsSinceAnchoringProgress(
  connection: Connection,
  backlog: AnchoringBacklog,
  now = new Date(),
): Promise<number | null> {
  if (backlog.pending === 0) return null;
  const lastActivity = await new WindowStore(connection).lastActivityAt();
  const sinceActivity = lastActivity ? (now.getTime() - lastActivity.getTime()) / 1000 : Infinity;
  return Math.max(0, Math.min(backlog.lagSeconds, sinceActivity));
}
