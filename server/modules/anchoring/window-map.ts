import type { Connection } from "mongoose";
import { TraceEventRepository } from "../ledger";
import type { Hex } from "../../platform/crypto/keccak";
import type { ClaimedEvent } from "./window-codec";
import type { LedgerMapCache } from "./ledger-map-cache";
import { batchLedgerKey, idLedgerKey, type LedgerMap } from "./domain/ledger-map";
import {
  planLedgerMapChanges,
  type LedgerMapChange,
  type LedgerMapRejection,
  type WindowLedgerEvent,
} from "./domain/ledger-map-changes";
import { timeSlicer } from "../../platform/threads/time-slice";
import { MAPPED_STATES } from "./domain/window-state";

export interface WindowMap {
  map: LedgerMap;
  changes: LedgerMapChange[];
  rejections: LedgerMapRejection[];
  /** Claimed events to leave for a later window: their predecessor is not anchored yet. */
  deferredIds: Set<string>;
}

/**
 * The ledger map after a new window: the map after the newest recorded window, moved by the
 * claimed events. Reads only the commissioning events of ledgers entering the map (for their key),
 * so its cost follows the window, not the number of ledgers.
 */
export async function planWindowMap(
  connection: Connection,
  cache: LedgerMapCache,
  claimed: readonly ClaimedEvent[],
): Promise<WindowMap> {
  const [newest] = (await cache.store.windows(MAPPED_STATES)).slice(-1);
  const { map, consistent } = await cache.mapAfter(newest ?? null);
  if (!consistent) {
    throw new Error(
      `the stored ledger map does not give map root ${newest!.mapRoot} of window ${newest!._id.toHexString()}`,
    );
  }
  const keys = await newLedgerKeys(connection, map, claimed);
  const events: WindowLedgerEvent[] = [];
  const pause = timeSlicer(); // 10,000 events: their ids as text are the bulk of the planning
  for (const event of claimed) {
    await pause();
    events.push({
      eventId: event._id.toHexString(),
      ledgerId: event.batchId.toHexString(),
      seq: event.seq,
      hash: event.hash as Hex,
      prevHash: event.prevHash as Hex,
    });
  }
  const { changes, rejections, deferred } = planLedgerMapChanges(
    map,
    events,
    (ledgerId) => keys.get(ledgerId) ?? null,
  );
  for (const change of changes) map.set(change.key, change.value);
  return { map, changes, rejections, deferredIds: new Set(deferred.map((event) => event.eventId)) };
}

async function newLedgerKeys(
  connection: Connection,
  map: LedgerMap,
  claimed: readonly ClaimedEvent[],
): Promise<Map<string, Hex>> {
  const entering = claimed.filter((event) => event.seq === 1 && !map.keyOf(event.batchId.toHexString()));
  const keys = new Map<string, Hex>();
  for (const event of entering)
    if (event.subject)
      keys.set(event.batchId.toHexString(), idLedgerKey(event.subject, event.batchId.toHexString()));
  const batches = entering.filter((event) => !event.subject);
  if (batches.length === 0) return keys;
  const bodies = await new TraceEventRepository(connection).bodiesOf(batches.map((event) => event._id));
  for (const doc of bodies) {
    const ledgerId = doc.batchId.toHexString();
    keys.set(ledgerId, batchLedgerKey(ledgerId, (doc.body as { data?: unknown } | undefined)?.data));
  }
  return keys;
}
