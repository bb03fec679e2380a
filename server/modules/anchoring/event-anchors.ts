import type { Connection, Types } from "mongoose";
import type { TraceEventDoc } from "../ledger";
import { WindowStore } from "./data/window-store";
import { findLeafIndex } from "./window-codec";

/** Window states whose root is on chain: their events are anchored. */
const ANCHORED_STATES: readonly string[] = ["confirmed", "completed"];

/** Packed event id lists of recorded windows, which never change once stored. */
const eventIdLists = new Map<string, Promise<Uint8Array | null>>();
const EVENT_ID_LISTS_KEPT = 16;

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
    lists.set(key, { root: window.root!, eventIds: await eventIdsOf(store, window._id) });
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

function eventIdsOf(store: WindowStore, windowId: Types.ObjectId): Promise<Uint8Array | null> {
  const key = windowId.toHexString();
  let list = eventIdLists.get(key);
  if (list) {
    eventIdLists.delete(key);
  } else {
    list = store.leavesOf(windowId).then((stored) => stored?.eventIds ?? null);
    list.catch(() => eventIdLists.delete(key));
  }
  eventIdLists.set(key, list);
  while (eventIdLists.size > EVENT_ID_LISTS_KEPT) eventIdLists.delete(eventIdLists.keys().next().value!);
  return list;
}
