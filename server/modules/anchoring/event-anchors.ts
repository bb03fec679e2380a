import { LRUCache } from "lru-cache";
import type { Connection, Types } from "mongoose";
import type { TraceEventDoc } from "../ledger";
import { WindowStore } from "./data/window-store";
import { findLeafIndex } from "./window-codec";
import { ANCHORED_STATES } from "./domain/window-state";

/**
 * Packed event id lists of recorded windows, which never change once stored: 12 bytes an event,
 * kept (least recently used out first) up to 4,000,000 events in all (48 MB). Bounded by events, not
 * windows: each list is read from a document of ~450 KB (10,000 leaves), so at 1,000,000 events
 * a cache of 16 windows made most reads of a random batch fetch one again (issue 15).
 */
const eventIdLists = new LRUCache<string, Promise<Uint8Array | null>>({ maxSize: 4_000_000 });

/**
 * The events with the anchor their window gives them. A claimed event stores only its window's
 * claim marker (`root` and `leafIndex` null): the window holds the root and, in its leaf list,
 * the event's place, so confirming a window writes no event (issue 15). Events whose window is
 * confirmed or completed get `{ windowId, root, leafIndex }`; others are returned as stored.
 * Events anchored before that change carry root and leaf index themselves and are kept as stored.
 */
export async function withWindowAnchors<Event extends Pick<TraceEventDoc, "_id" | "anchor">>(
  connection: Connection,
  events: Event[],
): Promise<Event[]> {
  const claimed = new Map<string, Types.ObjectId>();
  for (const event of events)
    if (event.anchor && event.anchor.root === null)
      claimed.set(event.anchor.windowId.toHexString(), event.anchor.windowId);
  if (claimed.size === 0) return events;
  const store = new WindowStore(connection);
  const windows = (await store.findManyWithoutAttempts([...claimed.values()])).filter(
    (window) => window.root !== null && ANCHORED_STATES.includes(window.state),
  );
  const lists = new Map<string, { root: string; eventIds: Uint8Array | null }>();
  for (const window of windows) {
    const key = window._id.toHexString();
    lists.set(key, { root: window.root!, eventIds: await eventIdsOf(store, window) });
  }
  return events.map((event) => {
    const anchor = event.anchor;
    const window = anchor && anchor.root === null ? lists.get(anchor.windowId.toHexString()) : undefined;
    if (!anchor || !window?.eventIds) return event;
    const leafIndex = findLeafIndex(window.eventIds, event._id);
    return leafIndex < 0
      ? event
      : { ...event, anchor: { windowId: anchor.windowId, root: window.root, leafIndex } };
  });
}

function eventIdsOf(store: WindowStore, window: { _id: Types.ObjectId; leafCount: number }) {
  const key = window._id.toHexString();
  let list = eventIdLists.get(key);
  if (!list) {
    list = store.leavesOf(window._id).then((stored) => stored?.eventIds ?? null);
    list.catch(() => eventIdLists.delete(key));
    eventIdLists.set(key, list, { size: Math.max(1, window.leafCount) });
  }
  return list;
}
