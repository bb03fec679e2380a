import type { Connection, Types } from "mongoose";
import { unpackEventIds, unpackLeaves, WindowStore } from "../anchoring";
import { TraceEventRepository } from "../ledger";
import { checkWindowLeaves, type Finding, type StoredLeafEvent } from "./domain/audit";

/** Events read per query while checking a leaf list (bounded memory for 100k-leaf windows). */
const CHUNK = 5_000;

/**
 * Each given window's stored leaf list against the stored events it names (issue 13): a leaf
 * whose event was deleted, rewritten or re-anchored elsewhere is a finding. Windows without a
 * stored leaf list are reported by the per-event inclusion check already.
 */
export async function auditWindowLeaves(
  connection: Connection,
  windowIds: Types.ObjectId[],
): Promise<Finding[]> {
  const store = new WindowStore(connection);
  const findings: Finding[] = [];
  for (const windowId of windowIds) {
    const stored = await store.leavesOf(windowId);
    if (!stored) continue;
    const eventIds = unpackEventIds(stored.eventIds);
    const leaves = unpackLeaves(stored.leaves);
    const events = new Map<string, StoredLeafEvent>();
    for (let start = 0; start < eventIds.length; start += CHUNK) {
      const docs = await new TraceEventRepository(connection).anchorRefsOf(
        eventIds.slice(start, start + CHUNK),
      );
      for (const doc of docs) {
        events.set(doc._id.toHexString(), {
          batchId: String(doc.batchId),
          hash: doc.hash,
          anchor: doc.anchor
            ? { windowId: String(doc.anchor.windowId), leafIndex: doc.anchor.leafIndex ?? null }
            : null,
        });
      }
    }
    findings.push(
      ...checkWindowLeaves(
        { windowId: windowId.toHexString(), eventIds: eventIds.map((id) => id.toHexString()), leaves },
        (eventId) => events.get(eventId) ?? null,
      ),
    );
  }
  return findings;
}
