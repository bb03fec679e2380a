import type { Connection } from "mongoose";
import type { AnchorWindowDoc } from "./data/anchor-window.model";
import { TraceEventRepository } from "../ledger";
import { AppError } from "../../platform/errors";
import { anchoringBacklog } from "./backlog";
import { requestAnchorRun } from "./lease";
import { claimMarker, WindowStore } from "./data/window-store";
import { ANCHORED_STATES } from "./domain/window-state";

export interface AnchorRunResult {
  status: "idle" | "requested" | "confirmed";
  pending: number;
  windowId: string | null;
  root: string | null;
  leafCount: number;
  txHash: string | null;
  blockNumber: number | null;
}

/**
 * `POST /api/anchors/run`: asks the lease holder (on this instance or another) to anchor a window
 * now. With `wait`, answers once the newest event that was pending at the request is confirmed
 * on chain, with that event's window: whichever worker anchors it and however the claim goes.
 */
export async function runAnchorWindow(
  connection: Connection,
  options: { wait: boolean; wake?: () => void; timeoutMs?: number; pollMs?: number },
): Promise<AnchorRunResult> {
  const store = new WindowStore(connection);
  const events = new TraceEventRepository(connection);
  // The newest event a window has not anchored yet, claimed or not: a window still claiming holds
  // the newest events, and answering "idle" then would return before they are anchored.
  const unfinishedWindows = await store.unfinished();
  const newest = await events.newestNotYetAnchored(
    unfinishedWindows
      .filter((window) => window.state === "claiming")
      .map((window) => claimMarker(window._id)),
  );
  const unfinished = unfinishedWindows.filter((window) => window.state !== "claiming").at(-1);
  const { pending } = await anchoringBacklog(connection);
  if (!newest && !unfinished) return { status: "idle", pending, ...summary(null) };

  await requestAnchorRun(connection);
  options.wake?.();
  if (!options.wait) return { status: "requested", pending, ...summary(null) };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let window: AnchorWindowDoc | null = null;
  while (Date.now() < deadline) {
    const windowId = newest ? (await events.anchorOf(newest._id))?.windowId : unfinished!._id;
    window = windowId ? await store.find(windowId) : null;
    if (window && ANCHORED_STATES.includes(window.state)) {
      return {
        status: "confirmed",
        pending: (await anchoringBacklog(connection)).pending,
        ...summary(window),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  throw new AppError(
    "ANCHOR_NOT_CONFIRMED",
    window
      ? `window ${window._id.toHexString()} is ${window.state}, not confirmed yet; the worker keeps trying (GET /api/anchors)`
      : "no anchoring worker picked the request up yet; is one running (ANCHOR_WORKER)?",
    503,
    window
      ? { windowId: window._id.toHexString(), state: window.state, lastError: window.lastError }
      : undefined,
  );
}

function summary(window: AnchorWindowDoc | null) {
  return {
    windowId: window?._id.toHexString() ?? null,
    root: window?.root ?? null,
    leafCount: window?.leafCount ?? 0,
    txHash: window?.txHash ?? null,
    blockNumber: window?.blockNumber ?? null,
  };
}
