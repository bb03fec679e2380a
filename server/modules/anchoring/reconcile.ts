import type { Logger } from "../../platform/logger";
import type { AnchorTransactions } from "./anchor-transactions";
import type { WindowStore } from "./data/window-store";

/** How far back confirmed windows are checked against the chain when a worker takes over. */
export const RECHECK_DEPTH_BLOCKS = 128;

/**
 * What a worker does when it becomes the lease holder (at start-up, or taking over from a dead
 * instance), before anchoring anything new. Unfinished windows need nothing special here: the
 * normal step (`advanceWindow`) decides from the chain's facts and handles them next.
 *
 * 1. Claims left behind by abandoned windows are released (a worker that lost its lease while
 *    claiming and died before releasing them).
 * 2. Windows confirmed in the last RECHECK_DEPTH_BLOCKS blocks, or above the current head, are
 *    checked against the registry: a node restarted from older state (anvil killed -9 keeps state
 *    up to a second old) or a reorg can forget a root. Such a window goes back to `recorded` and
 *    is anchored again with the same root; its events keep their references.
 */
export async function reconcileOnTakeOver(
  store: WindowStore,
  transactions: AnchorTransactions,
  logger: Logger,
): Promise<{ released: number; rolledBack: number }> {
  const released = await store.sweepAbandoned();
  if (released > 0) logger.warn({ released }, "released events left claimed by abandoned windows");

  const head = await transactions.headBlock();
  let rolledBack = 0;
  for (const window of await store.recentlyConfirmed(Math.max(0, head - RECHECK_DEPTH_BLOCKS))) {
    const anchor = await transactions.anchorOf(window.root!);
    const log = logger.child({ windowId: window._id.toHexString(), root: window.root });
    if (anchor.blockNumber === 0) {
      const reason = `the chain no longer has root ${window.root} (confirmed in block ${window.blockNumber}, head is ${head}); anchoring it again`;
      if (await store.reopen(window, reason, true)) {
        rolledBack += 1;
        log.warn({ blockNumber: window.blockNumber, head }, reason);
      }
    } else if (anchor.blockNumber !== window.blockNumber) {
      await store.setAnchorBlock(window._id, anchor.blockNumber);
      log.warn({ was: window.blockNumber, now: anchor.blockNumber }, "root was re-mined in another block");
    }
  }
  return { released, rolledBack };
}
