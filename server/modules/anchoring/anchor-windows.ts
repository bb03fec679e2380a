import { Types, type Connection } from "mongoose";
import type { AnchorWindowDoc } from "./data/anchor-window.model";
import { WindowStore } from "./data/window-store";
import type { WindowState } from "./domain/window-state";
import { currentLeaseHolder } from "./lease";

/** Anchoring windows, newest first, `limit` at a time; `nextCursor` continues after the last one. */
export async function listAnchorWindows(
  connection: Connection,
  page: { limit: number; cursor?: string; state?: WindowState },
) {
  const windows = await new WindowStore(connection).newestFirst({
    state: page.state,
    before: page.cursor ? new Types.ObjectId(page.cursor) : undefined,
    limit: page.limit + 1,
  });
  const items = windows.slice(0, page.limit);
  return {
    items: items.map(windowView),
    nextCursor: windows.length > page.limit ? items.at(-1)!._id.toHexString() : null,
    lease: await currentLeaseHolder(connection),
  };
}

function windowView(window: AnchorWindowDoc) {
  const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
  return {
    id: window._id.toHexString(),
    state: window.state,
    root: window.root,
    leafCount: window.leafCount,
    chainId: window.chainId,
    registry: window.registry,
    txHash: window.txHash,
    nonce: window.nonce,
    attempts: (window.attempts ?? []).map((attempt) => ({
      txHash: attempt.txHash,
      nonce: attempt.nonce,
      maxFeePerGas: attempt.maxFeePerGas,
      maxPriorityFeePerGas: attempt.maxPriorityFeePerGas,
      sentAt: iso(attempt.sentAt),
    })),
    blockNumber: window.blockNumber,
    gasUsed: window.gasUsed,
    gasPerEvent: window.gasUsed !== null && window.leafCount > 0 ? window.gasUsed / window.leafCount : null,
    fee: window.fee,
    holder: window.holder,
    createdAt: iso(window.createdAt),
    recordedAt: iso(window.recordedAt),
    submittedAt: iso(window.submittedAt),
    confirmedAt: iso(window.confirmedAt),
    completedAt: iso(window.completedAt),
    anchoredAt: iso(window.anchoredAt),
    rolledBackAt: iso(window.rolledBackAt),
    lastError: window.lastError,
  };
}
