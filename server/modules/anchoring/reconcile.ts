import type { Logger } from "../../platform/logger";
import type { AnchorTransactions } from "./anchor-transactions";
import type { WindowStore } from "./data/window-store";

/** How far back confirmed windows are checked against the chain when a worker takes over. */
export const RECHECK_DEPTH_BLOCKS = 128;

const PAGE = 100;

/**
 * What a worker does when it becomes the lease holder (at start-up, or taking over from a dead
 * instance) and after a chain reset, before anchoring anything new. Unfinished windows need
 * nothing special here: the normal step (`advanceWindow`) decides from the chain's facts and
 * handles them next (a stored transaction whose nonce the chain can no longer reach is replaced
 * by a new one there).
 *
 * 1. Claims left behind by abandoned windows are released (a worker that lost its lease while
 *    claiming and died before releasing them).
 * 2. Confirmed windows are checked against the registry, newest first: a node restarted from
 *    older state (anvil killed -9 keeps state up to a second old), a reorg or a new chain can
 *    forget a root. Such a window goes back to `recorded` and is anchored again with the same
 *    root; its events keep their references. Windows form one line on chain, so a chain that
 *    forgot some forgot the newest: the walk goes on while roots are missing or windows are within
 *    RECHECK_DEPTH_BLOCKS of the head, and stops at the first older window the chain still has.
 */
export async function reconcileOnTakeOver(
  store: WindowStore,
  transactions: AnchorTransactions,
  logger: Logger,
): Promise<{ released: number; rolledBack: number }> {
  const released = await store.sweepAbandoned();
  if (released > 0) logger.warn({ released }, "released events left claimed by abandoned windows");

  const head = await transactions.headBlock();
  const recheckFrom = Math.max(0, head - RECHECK_DEPTH_BLOCKS);
  let rolledBack = 0;
  let below: number | undefined;
  for (;;) {
    const page = await store.confirmedNewestFirst(below, PAGE);
    for (const window of page) {
      const anchor = await transactions.anchorOf(window.root!);
      const log = logger.child({ windowId: window._id.toHexString(), root: window.root });
      if (anchor.blockNumber === 0) {
        const reason = `the chain no longer has root ${window.root} (confirmed in block ${window.blockNumber}, head is ${head}); anchoring it again`;
        if (await store.reopen(window, reason, true)) {
          rolledBack += 1;
          log.warn({ blockNumber: window.blockNumber, head }, reason);
        }
        continue;
      }
      if (anchor.blockNumber !== window.blockNumber) {
        await store.setAnchorBlock(window._id, anchor.blockNumber);
        log.warn({ was: window.blockNumber, now: anchor.blockNumber }, "root was re-mined in another block");
      }
      if (window.blockNumber! < recheckFrom) return { released, rolledBack };
    }
    if (page.length < PAGE) return { released, rolledBack };
    below = page.at(-1)!.blockNumber!;
  }
}
