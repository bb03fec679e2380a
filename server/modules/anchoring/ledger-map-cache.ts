import type { Connection, Types } from "mongoose";
import type { AnchorWindowDoc } from "./data/anchor-window.model";
import { LedgerMapStore, type StoredMapChange } from "./data/ledger-map-store";
import { LedgerMap } from "./domain/ledger-map";
import { MAPPED_STATES } from "./domain/window-state";
import type { Hex } from "../../platform/crypto/keccak";
import { timeSlicer } from "../../platform/threads/time-slice";

/** Windows replayed one by one before a full rebuild from the stored entries is cheaper. */
const MAX_REPLAY = 64;

/** How long the window of the registry's newest root is reused (the chain reader's answer TTL). */
const NEWEST_WINDOW_MS = 15_000;

/**
 * The ledger map as it stands after a given window, kept in memory and moved forward by each new
 * window's change list (O(changes × depth)); rebuilt from the stored entries (O(ledgers)) at start-up
 * or after a long gap. Every map it hands out has been checked against the window's map root; a
 * map that does not match (stored entries edited or deleted) is handed out flagged, so that proofs
 * built from it fail verification instead of the service hiding the problem.
 */
export class LedgerMapCache {
  private cached: { windowId: Types.ObjectId | null; map: LedgerMap } | null = null;
  private newest: { window: AnchorWindowDoc; readAt: number } | null = null;
  private running: Promise<unknown> = Promise.resolve();
  readonly store: LedgerMapStore;

  constructor(connection: Connection) {
    this.store = new LedgerMapStore(connection);
  }

  /**
   * The map after `window` (null: before any window). One call at a time: a replay moves the one
   * kept map forward in place across database reads, so a caller running beside it could be handed
   * a map half-way between two windows (seen once verifications and the ahead-of-time build after
   * each anchored window overlapped, decision 0045).
   */
  mapAfter(window: AnchorWindowDoc | null): Promise<{ map: LedgerMap; consistent: boolean }> {
    const answer = this.running.then(() => this.mapAfterAlone(window));
    this.running = answer.catch(() => undefined);
    return answer;
  }

  private async mapAfterAlone(
    window: AnchorWindowDoc | null,
  ): Promise<{ map: LedgerMap; consistent: boolean }> {
    if (!window) return { map: new LedgerMap(), consistent: true };
    const cached = this.cached;
    if (cached?.windowId?.equals(window._id)) return { map: cached.map, consistent: true };
    if (cached && (cached.windowId === null || cached.windowId.toHexString() < window._id.toHexString())) {
      const later = await this.store.windows(MAPPED_STATES, {
        ...(cached.windowId ? { afterId: cached.windowId } : {}),
        uptoId: window._id,
      });
      if (later.length <= MAX_REPLAY && (await this.replay(cached.map, later))) {
        this.cached = { windowId: window._id, map: cached.map };
        return { map: cached.map, consistent: true };
      }
    }
    const map = await this.rebuild(window);
    const consistent = map.root === window.mapRoot;
    this.cached = consistent ? { windowId: window._id, map } : null;
    return { map, consistent };
  }

  /**
   * The recorded window with map root whose root is `root`, for the registry's newest root that
   * every verification's completeness check asks about: read again after `NEWEST_WINDOW_MS`, not
   * on every request (a root names one window, and its map root is checked against the chain's by
   * the verifier; after a chain reset, the window re-anchoring a root shows within that time, as
   * the chain reader's answers do).
   */
  async windowByRoot(root: string, now = Date.now()): Promise<AnchorWindowDoc | null> {
    const newest = this.newest;
    if (newest?.window.root === root && now - newest.readAt < NEWEST_WINDOW_MS) return newest.window;
    const window = await this.store.windowByRoot(root);
    this.newest = window ? { window, readAt: now } : null;
    return window;
  }

  /** Remembers `map` as the map after `windowId` (a window the caller just recorded). */
  remember(windowId: Types.ObjectId, map: LedgerMap): void {
    this.cached = { windowId, map };
  }

  forget(): void {
    this.cached = null;
    this.newest = null;
  }

  private async replay(map: LedgerMap, windows: AnchorWindowDoc[]): Promise<boolean> {
    for (const window of windows) {
      applyChanges(map, await this.store.changesOf(window._id));
      if (map.root !== window.mapRoot) {
        this.cached = null;
        return false;
      }
    }
    return true;
  }

  /**
   * In slices of the event loop: at 1,000,000 events (20,000 ledgers) a rebuild hashes for
   * ~300-400 ms, which held /healthz and every request that long when a worker started (issue 15).
   */
  private async rebuild(window: AnchorWindowDoc): Promise<LedgerMap> {
    const map = new LedgerMap();
    const pause = timeSlicer();
    for (const { key, value } of await this.store.entriesAsOf(window._id)) {
      map.set(key, value);
      await pause();
    }
    // Windows up to this one whose entries are not written yet (confirmed, not completed).
    for (const pending of await this.store.windows(["recorded", "submitted", "confirmed"], {
      uptoId: window._id,
    }))
      applyChanges(map, await this.store.changesOf(pending._id));
    return map;
  }
}

function applyChanges(map: LedgerMap, changes: StoredMapChange[]): void {
  for (const change of changes)
    map.set(change.key as Hex, {
      ledgerId: change.ledgerId,
      seq: change.seq,
      headHash: change.headHash as Hex,
    });
}
