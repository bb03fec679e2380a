import { ZERO_HASH } from "../../ledger";
import type { Hex } from "../../../platform/crypto/keccak";
import type { LedgerMap, LedgerMapValue } from "./ledger-map";

/** An event of a window, as far as the ledger map cares. */
export interface WindowLedgerEvent {
  eventId: string;
  ledgerId: string;
  seq: number;
  hash: Hex;
  prevHash: Hex;
}

export interface LedgerMapChange {
  key: Hex;
  value: LedgerMapValue;
}

/** Events of a window that the map refused to take as their ledger's new head, and why. */
export interface LedgerMapRejection {
  ledgerId: string;
  seqs: number[];
  reason: string;
}

/**
 * How a window moves the ledger map: each ledger's head advances through the window's events that
 * extend it (seq = head + 1, prevHash = head hash). The map never moves back and never takes a
 * second version of an anchored (ledger, seq): such events are still anchored (their hashes are in
 * the window) but are listed as rejections, so the verifier sees the map's head differ from the
 * records it is shown and a monitor sees the confession. An event whose predecessor is not anchored
 * yet (inserted late, or claimed by a later window) is `deferred`: the caller leaves it for the next
 * window instead of anchoring it beyond the map's head. Pure; `keyOf` gives the key of a ledger
 * entering the map (from its commissioning event in this window), or null when none is known.
 */
export function planLedgerMapChanges(
  map: LedgerMap,
  events: readonly WindowLedgerEvent[],
  keyOf: (ledgerId: string) => Hex | null,
): { changes: LedgerMapChange[]; rejections: LedgerMapRejection[]; deferred: WindowLedgerEvent[] } {
  const byLedger = new Map<string, WindowLedgerEvent[]>();
  for (const event of events) {
    const list = byLedger.get(event.ledgerId) ?? [];
    list.push(event);
    byLedger.set(event.ledgerId, list);
  }
  const changes: LedgerMapChange[] = [];
  const rejections: LedgerMapRejection[] = [];
  const deferred: WindowLedgerEvent[] = [];
  for (const ledgerId of [...byLedger.keys()].sort()) {
    const ledgerEvents = byLedger.get(ledgerId)!.sort((a, b) => a.seq - b.seq);
    const key = map.keyOf(ledgerId) ?? keyOf(ledgerId);
    if (!key) {
      deferred.push(...ledgerEvents); // its commissioning event is not anchored yet
      continue;
    }
    const holder = map.get(key);
    if (holder && holder.ledgerId !== ledgerId) {
      rejections.push({
        ledgerId,
        seqs: ledgerEvents.map((event) => event.seq),
        reason: `its key ${key} is held by ledger ${holder.ledgerId}`,
      });
      continue;
    }
    const moved = advance(holder ?? { ledgerId, seq: 0, headHash: ZERO_HASH }, ledgerEvents);
    if (moved.refused.length > 0) rejections.push({ ledgerId, ...refusalOf(moved.head, moved.refused) });
    deferred.push(...moved.deferred);
    if (moved.head.seq > (holder?.seq ?? 0)) changes.push({ key, value: moved.head });
  }
  return { changes, rejections, deferred };
}

/** Takes linked successors; refuses seqs already anchored and forks; defers what follows a gap. */
function advance(start: LedgerMapValue, events: WindowLedgerEvent[]) {
  let head = start;
  const refused: WindowLedgerEvent[] = [];
  const deferred: WindowLedgerEvent[] = [];
  for (const event of events) {
    if (refused.length > 0 || deferred.length > 0 || event.seq <= head.seq) {
      (deferred.length > 0 && event.seq > head.seq ? deferred : refused).push(event);
    } else if (event.seq > head.seq + 1) {
      deferred.push(event);
    } else if (event.prevHash === head.headHash) {
      head = { ledgerId: head.ledgerId, seq: event.seq, headHash: event.hash };
    } else {
      refused.push(event);
    }
  }
  return { head, refused, deferred };
}

function refusalOf(head: LedgerMapValue, refused: WindowLedgerEvent[]) {
  const seqs = refused.map((event) => event.seq);
  const again = refused.filter((event) => event.seq <= head.seq);
  return {
    seqs,
    reason:
      again.length > 0
        ? `second version of anchored seq ${again.map((event) => event.seq).join(", ")} (the map keeps seq ${head.seq}, ${head.headHash})`
        : `seq ${seqs[0]} does not extend the anchored head seq ${head.seq}`,
  };
}
