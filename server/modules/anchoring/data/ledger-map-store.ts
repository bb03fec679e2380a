import type { Connection, Types } from "mongoose";
import { anchorWindowLeavesModel, anchorWindowModel, type AnchorWindowDoc } from "./anchor-window.model";
import { ledgerMapEntryModel, type LedgerMapEntryDoc, type LedgerMapHead } from "./ledger-map.model";
import type { LedgerMapValue } from "../domain/ledger-map";
import { ANCHORED_STATES, MAPPED_STATES } from "../domain/window-state";
import type { Hex } from "../../../platform/crypto/keccak";

/** A ledger's latest anchored head as the stored map entries hold it. */
export interface StoredMapHead {
  key: string;
  ledgerId: string;
  seq: number;
  headHash: string;
}

export interface StoredMapChange {
  key: string;
  ledgerId: string;
  seq: number;
  headHash: string;
}

/**
 * The stored side of the ledger map: the change list each window recorded with its leaves, and the
 * entries those changes leave behind (applied when the window completes, idempotently).
 */
export class LedgerMapStore {
  constructor(private readonly connection: Connection) {}

  private get entries() {
    return ledgerMapEntryModel(this.connection).collection;
  }

  async changesOf(windowId: Types.ObjectId): Promise<StoredMapChange[]> {
    const doc = await anchorWindowLeavesModel(this.connection).collection.findOne(
      { _id: windowId },
      { projection: { mapChanges: 1 } },
    );
    return (doc?.mapChanges as StoredMapChange[] | undefined) ?? [];
  }

  /** Anchored windows (confirmed or completed) after window index `after`, in index order: index and roots. */
  async anchoredByIndex(page: {
    after: number;
    limit: number;
  }): Promise<Pick<AnchorWindowDoc, "_id" | "windowIndex" | "root" | "mapRoot">[]> {
    return (await anchorWindowModel(this.connection)
      .collection.find(
        { state: { $in: [...ANCHORED_STATES] }, windowIndex: { $gt: page.after } },
        { projection: { windowIndex: 1, root: 1, mapRoot: 1 } },
      )
      .sort({ windowIndex: 1 })
      .limit(page.limit)
      .toArray()) as unknown as Pick<AnchorWindowDoc, "_id" | "windowIndex" | "root" | "mapRoot">[];
  }

  /** The map change and rejection lists of these windows, by window id (hex). */
  async mapListsOf(windowIds: Types.ObjectId[]): Promise<Map<string, { mapChanges?: unknown; mapRejections?: unknown }>> {
    const lists = await anchorWindowLeavesModel(this.connection)
      .collection.find({ _id: { $in: windowIds } }, { projection: { mapChanges: 1, mapRejections: 1 } })
      .toArray();
    return new Map(
      lists.map((list) => [list._id.toHexString(), list as { mapChanges?: unknown; mapRejections?: unknown }]),
    );
  }

  /** The map-carrying windows in `states`, oldest first, after `afterId` (exclusive) up to `uptoId`. */
  async windows(
    states: readonly string[],
    range: { afterId?: Types.ObjectId; uptoId?: Types.ObjectId } = {},
  ): Promise<AnchorWindowDoc[]> {
    const id = {
      ...(range.afterId ? { $gt: range.afterId } : {}),
      ...(range.uptoId ? { $lte: range.uptoId } : {}),
    };
    return (await anchorWindowModel(this.connection)
      .collection.find(
        {
          state: { $in: [...states] },
          mapRoot: { $ne: null },
          ...(Object.keys(id).length > 0 ? { _id: id } : {}),
        },
        { projection: { attempts: 0 } },
      )
      .sort({ _id: 1 })
      .toArray()) as unknown as AnchorWindowDoc[];
  }

  /** The newest window whose map is on chain (confirmed or completed), or null. */
  async latestAnchored(): Promise<AnchorWindowDoc | null> {
    const [window] = (await anchorWindowModel(this.connection)
      .collection.find(
        { state: { $in: [...ANCHORED_STATES] }, mapRoot: { $ne: null } },
        { projection: { attempts: 0 } },
      )
      .sort({ _id: -1 })
      .limit(1)
      .toArray()) as unknown as AnchorWindowDoc[];
    return window ?? null;
  }

  /** The window with this event root whose map is recorded (it may still await its confirmation). */
  async windowByRoot(root: string): Promise<AnchorWindowDoc | null> {
    return (await anchorWindowModel(this.connection).collection.findOne(
      { root, mapRoot: { $ne: null }, state: { $in: [...MAPPED_STATES] } },
      { projection: { attempts: 0 } },
    )) as unknown as AnchorWindowDoc | null;
  }

  /** Every entry as it stood after window `windowId` (entries of later windows fall back a step). */
  async entriesAsOf(windowId: Types.ObjectId): Promise<{ key: Hex; value: LedgerMapValue }[]> {
    const docs = (await this.entries.find({}).toArray()) as unknown as LedgerMapEntryDoc[];
    const upto = windowId.toHexString();
    return docs.flatMap((doc) => {
      const head = [doc.current, doc.previous].find(
        (candidate) => candidate && candidate.windowId.toHexString() <= upto,
      );
      return head ? [{ key: doc.key as Hex, value: valueOf(doc.ledgerId, head) }] : [];
    });
  }

  /** The current head of every entry (no argument) or of the entries of these ledgers. */
  async currentHeads(ledgerIds?: readonly string[]): Promise<StoredMapHead[]> {
    const docs = (await this.entries
      .find(ledgerIds ? { ledgerId: { $in: [...ledgerIds] } } : {}, { projection: { previous: 0 } })
      .toArray()) as unknown as LedgerMapEntryDoc[];
    return docs.map((doc) => ({
      key: doc.key,
      ledgerId: doc.ledgerId,
      seq: doc.current.seq,
      headHash: doc.current.headHash,
    }));
  }

  /** Writes the entries window `windowId` changed; a second call for the same window changes nothing. */
  async applyWindow(windowId: Types.ObjectId): Promise<void> {
    const changes = await this.changesOf(windowId);
    if (changes.length === 0) return;
    const existing = (await this.entries
      .find({ key: { $in: changes.map((change) => change.key) } })
      .toArray()) as unknown as LedgerMapEntryDoc[];
    const byKey = new Map(existing.map((doc) => [doc.key, doc]));
    const writes = changes.flatMap((change) => {
      const doc = byKey.get(change.key);
      if (doc?.current.windowId.equals(windowId)) return [];
      const current = { seq: change.seq, headHash: change.headHash, windowId };
      return [
        {
          updateOne: {
            filter: { key: change.key },
            update: { $set: { ledgerId: change.ledgerId, current, previous: doc?.current ?? null } },
            upsert: true,
          },
        },
      ];
    });
    if (writes.length > 0) await this.entries.bulkWrite(writes, { ordered: false });
  }
}

function valueOf(ledgerId: string, head: LedgerMapHead): LedgerMapValue {
  return { ledgerId, seq: head.seq, headHash: head.headHash as Hex };
}
