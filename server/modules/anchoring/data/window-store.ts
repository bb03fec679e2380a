import { Types, type Connection } from "mongoose";
import { anchorWindowLeavesModel, anchorWindowModel, type AnchorWindowDoc, type AnchorWindowLeavesDoc, type TxAttempt } from "./anchor-window.model";
import { ANCHORED_STATES, UNFINISHED_STATES, type WindowState } from "../domain/window-state";
import { traceEventModel } from "../../ledger";
import { asBytes, type ClaimedEvent } from "../window-codec";

/** Events per claiming or marking command: small enough that one command never stalls the service. */
const CHUNK = 100;

/** What a window needs of each claimed event (see `ClaimedEvent`). */
const CLAIMED_FIELDS = { _id: 1, hash: 1, recordTime: 1, batchId: 1, subject: 1, seq: 1, prevHash: 1 };

/**
 * The marker a claimed event carries, also after its window is confirmed (the window holds the
 * root and the leaf list; events anchored before issue 15 also carry their root and leaf index,
 * written one by one when their window completed). The whole sub-document is
 * compared for equality (key order matters on MongoDB, so it is only ever built here), which
 * the existing `{ anchor: 1, _id: 1 }` index of trace events serves.
 */
export function claimMarker(windowId: Types.ObjectId) {
  return { windowId, root: null, leafIndex: null };
}

/**
 * Every state change of a window is a compare-and-set on its current state (and, for attempts,
 * on its latest transaction hash): two workers that both believe they hold the lease can never
 * both move a window, and a worker that lost the race learns it from a `false` answer.
 */
export class WindowStore {
  constructor(
    private readonly connection: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get windows() {
    return anchorWindowModel(this.connection).collection;
  }

  private get events() {
    return traceEventModel(this.connection).collection;
  }

  /** Unfinished windows, oldest first. */
  async unfinished(): Promise<AnchorWindowDoc[]> {
    return (await this.windows
      .find({ state: { $in: [...UNFINISHED_STATES] } })
      .sort({ _id: 1 })
      .toArray()) as unknown as AnchorWindowDoc[];
  }

  async find(windowId: Types.ObjectId): Promise<AnchorWindowDoc | null> {
    return (await this.windows.findOne({ _id: windowId })) as unknown as AnchorWindowDoc | null;
  }

  /** Windows between claim and confirmation: their state, leaf count and oldest record time. */
  async inFlight(): Promise<Pick<AnchorWindowDoc, "_id" | "state" | "leafCount" | "oldestRecordTime">[]> {
    return (await this.windows
      .find(
        { state: { $in: ["claiming", "recorded", "submitted"] } },
        { projection: { state: 1, leafCount: 1, oldestRecordTime: 1 } },
      )
      .toArray()) as unknown as Pick<AnchorWindowDoc, "_id" | "state" | "leafCount" | "oldestRecordTime">[];
  }

  /**
   * When a window last changed state: the newest window and those in flight (a window reopened
   * after a chain reset is older than the newest). Null before the first window.
   */
  async lastActivityAt(): Promise<Date | null> {
    const [newest, inFlight] = await Promise.all([
      this.windows.find({}, { projection: { updatedAt: 1 } }).sort({ _id: -1 }).limit(1).toArray(),
      this.windows
        .find({ state: { $in: ["claiming", "recorded", "submitted"] } }, { projection: { updatedAt: 1 } })
        .toArray(),
    ]);
    const times = [...newest, ...inFlight].map((window) => new Date(window.updatedAt as Date).getTime());
    return times.length > 0 ? new Date(Math.max(...times)) : null;
  }

  /** Ids of every window that has a root (recorded or later, or abandoned after recording). */
  async idsWithRoot(): Promise<Types.ObjectId[]> {
    const windows = await this.windows.find({ root: { $ne: null } }, { projection: { _id: 1 } }).toArray();
    return windows.map((window) => window._id);
  }

  /** The windows with these ids, without their transaction attempts (any order; unknown ids are absent). */
  async findManyWithoutAttempts(windowIds: Types.ObjectId[]): Promise<AnchorWindowDoc[]> {
    return (await this.windows
      .find({ _id: { $in: windowIds } }, { projection: { attempts: 0 } })
      .toArray()) as unknown as AnchorWindowDoc[];
  }

  /** The packed leaf list and event ids of a recorded window. */
  async leavesOf(windowId: Types.ObjectId): Promise<{ leaves: Uint8Array; eventIds: Uint8Array } | null> {
    const doc = await anchorWindowLeavesModel(this.connection).collection.findOne({ _id: windowId });
    return doc ? { leaves: asBytes(doc.leaves), eventIds: asBytes(doc.eventIds) } : null;
  }

  async open(owner: { holder: string; leaseToken: number; chainId: number; registry: string }) {
    const now = this.now();
    const window = {
      _id: new Types.ObjectId(),
      state: "claiming" as WindowState,
      ...owner,
      createdAt: now,
      updatedAt: now,
      root: null,
      mapRoot: null,
      windowIndex: null,
      leafCount: 0,
      recordedThrough: null,
      leaves: null,
      eventIds: null,
      oldestRecordTime: null,
      txHash: null,
      nonce: null,
      attempts: [],
      blockNumber: null,
      gasUsed: null,
      fee: null,
      anchoredAt: null,
      recordedAt: null,
      submittedAt: null,
      confirmedAt: null,
      completedAt: null,
      abandonedAt: null,
      rolledBackAt: null,
      lastError: null,
    };
    await this.windows.insertOne(window);
    return window._id;
  }

  /**
   * Claims up to `maxLeaves` unanchored events, oldest first, for the window, and returns exactly
   * the claimed set. Every command handles `CHUNK` events, so that none holds the embedded engine
   * (and the service with it) for long: the oldest unclaimed are read `CHUNK` at a time along the
   * `{ anchor: 1, _id: 1 }` index without a sort (see `TraceEventRepository.oldestUnanchored`),
   * with the fields the window needs (they never change once stored), then claimed by one
   * conditional `updateOne` per event on `anchor: null`, in one command: atomic per event, so an
   * event is claimed by one window only, also against a concurrent claimer (whose events count
   * against this claimer's `maxLeaves` reads, as when both read the same oldest set). Only when
   * some event was taken meanwhile are this window's events read back. Per-event statements
   * rather than one `updateMany` over `_id: { $in }`: the embedded engine evaluates `$in` by
   * hashing the whole list for every candidate, which made each 200-event claim hold its thread
   * for 100–600 ms (issue 15).
   */
  async claim(windowId: Types.ObjectId, maxLeaves: number): Promise<ClaimedEvent[]> {
    const claimed: ClaimedEvent[] = [];
    for (let read = 0; read < maxLeaves; ) {
      const oldest = (await this.events
        .find({ anchor: null }, { projection: CLAIMED_FIELDS })
        .hint({ anchor: 1, _id: 1 })
        .limit(Math.min(CHUNK, maxLeaves - read))
        .toArray()) as unknown as ClaimedEvent[];
      if (oldest.length === 0) break;
      read += oldest.length;
      const result = await this.events.bulkWrite(
        oldest.map((event) => ({
          updateOne: {
            filter: { _id: event._id, anchor: null },
            update: { $set: { anchor: claimMarker(windowId) } },
          },
        })),
        { ordered: false },
      );
      if (result.modifiedCount === oldest.length) claimed.push(...oldest);
      else claimed.push(...(await this.claimedAmong(windowId, oldest)));
    }
    return claimed;
  }

  /** Those of `events` that carry this window's claim marker (another claimer took the rest). */
  private async claimedAmong(windowId: Types.ObjectId, events: readonly ClaimedEvent[]): Promise<ClaimedEvent[]> {
    const ours = await this.events
      .find({ _id: { $in: events.map((event) => event._id) }, anchor: claimMarker(windowId) }, { projection: { _id: 1 } })
      .toArray();
    const ids = new Set(ours.map((event) => event._id.toHexString()));
    return events.filter((event) => ids.has(event._id.toHexString()));
  }

  /** Stores the leaf list and map changes, then makes the window `recorded` if it is still claiming. */
  async record(
    windowId: Types.ObjectId,
    tree: {
      root: string;
      mapRoot: string;
      leafCount: number;
      leaves: Buffer;
      eventIds: Buffer;
      mapChanges: AnchorWindowLeavesDoc["mapChanges"];
      mapRejections: AnchorWindowLeavesDoc["mapRejections"];
      oldestRecordTime: Date | null;
    },
  ): Promise<boolean> {
    const { leaves, eventIds, mapChanges, mapRejections, ...summary } = tree;
    await anchorWindowLeavesModel(this.connection).collection.insertOne({
      _id: windowId,
      leaves,
      eventIds,
      mapChanges,
      mapRejections,
    });
    const recordedThrough = (await this.recordedTotal()) + summary.leafCount;
    const now = this.now();
    return this.transition(
      windowId,
      { state: "claiming" },
      {
        $set: { state: "recorded", ...summary, recordedThrough, recordedAt: now, updatedAt: now },
      },
    );
  }

  /**
   * How many events all recorded windows hold together: the running total of the newest window
   * with a root (windows are recorded one at a time, in id order, by the lease holder). Windows
   * recorded before the total was kept are summed once, until the next window records it.
   */
  async recordedTotal(): Promise<number> {
    const withRoot = { root: { $ne: null }, state: { $ne: "abandoned" } };
    const [newest] = await this.windows
      .find(withRoot, { projection: { recordedThrough: 1 } })
      .sort({ _id: -1 })
      .limit(1)
      .toArray();
    if (!newest) return 0;
    if (typeof newest.recordedThrough === "number") return newest.recordedThrough;
    const [sum] = await this.windows
      .aggregate<{ total: number }>([
        { $match: withRoot },
        { $group: { _id: null, total: { $sum: "$leafCount" } } },
      ])
      .toArray();
    return sum?.total ?? 0;
  }

  /** Gives up a window that never got a root and frees its events for the next window. */
  async abandon(windowId: Types.ObjectId, reason: string): Promise<boolean> {
    const now = this.now();
    const abandoned = await this.transition(
      windowId,
      { state: "claiming" },
      {
        $set: { state: "abandoned", abandonedAt: now, updatedAt: now, lastError: reason },
      },
    );
    if (abandoned) await this.releaseClaims(windowId);
    return abandoned;
  }

  /** Frees events still carrying the claim marker of `windowId` (which must never get a root). */
  async releaseClaims(windowId: Types.ObjectId): Promise<number> {
    const result = await this.events.updateMany(
      { anchor: claimMarker(windowId) },
      { $set: { anchor: null } },
    );
    return result.modifiedCount;
  }

  /** Frees some of a window's claimed events (left for a later window) before its tree is built. */
  async releaseEvents(windowId: Types.ObjectId, eventIds: Types.ObjectId[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.events.updateMany(
      { _id: { $in: eventIds }, anchor: claimMarker(windowId) },
      { $set: { anchor: null } },
    );
  }

  /**
   * Frees events claimed by abandoned windows after they were abandoned (a worker that lost its
   * lease mid-claim and died before releasing them). `since` limits the sweep to recent windows.
   */
  async sweepAbandoned(since?: Date): Promise<number> {
    const abandoned = await this.windows
      .find(
        { state: "abandoned", ...(since ? { abandonedAt: { $gte: since } } : {}) },
        { projection: { _id: 1 } },
      )
      .toArray();
    let released = 0;
    for (const { _id } of abandoned) released += await this.releaseClaims(_id);
    return released;
  }

  /** Stores a signed transaction before it is broadcast (recorded → submitted, or a new attempt). */
  async addAttempt(window: AnchorWindowDoc, attempt: TxAttempt): Promise<boolean> {
    const now = this.now();
    const expected =
      window.state === "recorded" ? { state: "recorded" } : { state: "submitted", txHash: window.txHash };
    return this.transition(window._id, expected, {
      $set: {
        state: "submitted",
        txHash: attempt.txHash,
        nonce: attempt.nonce,
        submittedAt: now,
        updatedAt: now,
        lastError: null,
      },
      $push: { attempts: attempt },
    });
  }

  async confirm(
    window: AnchorWindowDoc,
    result: {
      blockNumber: number;
      txHash: string | null;
      gasUsed: bigint | null;
      fee: bigint | null;
      anchoredAt: Date;
      windowIndex: number;
    },
  ): Promise<boolean> {
    const now = this.now();
    return this.transition(
      window._id,
      { state: window.state },
      {
        $set: {
          state: "confirmed",
          blockNumber: result.blockNumber,
          txHash: result.txHash ?? window.txHash,
          gasUsed: result.gasUsed === null ? null : Number(result.gasUsed),
          fee: result.fee === null ? null : result.fee.toString(),
          anchoredAt: result.anchoredAt,
          windowIndex: result.windowIndex,
          confirmedAt: now,
          updatedAt: now,
          lastError: null,
        },
      },
    );
  }

  /** Back to `recorded` (a new transaction will be sent): a revert, or the chain forgot the root. */
  async reopen(window: AnchorWindowDoc, reason: string, rolledBack = false): Promise<boolean> {
    const now = this.now();
    return this.transition(
      window._id,
      { state: window.state },
      {
        $set: {
          state: "recorded",
          lastError: reason,
          updatedAt: now,
          ...(rolledBack ? { rolledBackAt: now } : {}),
        },
      },
    );
  }

  async noteError(windowId: Types.ObjectId, message: string): Promise<void> {
    await this.windows.updateOne({ _id: windowId }, { $set: { lastError: message, updatedAt: this.now() } });
  }

  /**
   * Completes a confirmed window. Its events are not written: they keep the claim marker, and
   * their root and leaf index are the window's (its stored leaf list, in ascending event id), so
   * confirming a window costs one write whatever its size (issue 15: marking each event ran at
   * ~1,000 events/s and held the service for seconds per window on the embedded engine).
   */
  async complete(windowId: Types.ObjectId): Promise<boolean> {
    const now = this.now();
    return this.transition(
      windowId,
      { state: "confirmed" },
      {
        $set: { state: "completed", completedAt: now, updatedAt: now },
      },
    );
  }

  /** Windows newest first, optionally in one state and before a window id; without raw transactions. */
  async newestFirst(page: { state?: WindowState; before?: Types.ObjectId; limit: number }) {
    const filter: Record<string, unknown> = {};
    if (page.state) filter.state = page.state;
    if (page.before) filter._id = { $lt: page.before };
    return (await this.windows
      .find(filter, { projection: { "attempts.raw": 0 } })
      .sort({ _id: -1 })
      .limit(page.limit)
      .toArray()) as unknown as AnchorWindowDoc[];
  }

  /** Confirmed or completed windows anchored below `belowBlock` (all when absent), newest first. */
  async confirmedNewestFirst(belowBlock: number | undefined, limit = 100): Promise<AnchorWindowDoc[]> {
    return (await this.windows
      .find({
        state: { $in: [...ANCHORED_STATES] },
        ...(belowBlock === undefined ? {} : { blockNumber: { $lt: belowBlock } }),
      })
      .sort({ blockNumber: -1 })
      .limit(limit)
      .toArray()) as unknown as AnchorWindowDoc[];
  }

  async setAnchorBlock(windowId: Types.ObjectId, blockNumber: number): Promise<void> {
    await this.windows.updateOne({ _id: windowId }, { $set: { blockNumber, updatedAt: this.now() } });
  }

  private async transition(
    windowId: Types.ObjectId,
    expected: Record<string, unknown>,
    update: Record<string, unknown>,
  ): Promise<boolean> {
    const result = await this.windows.updateOne({ _id: windowId, ...expected }, update);
    return result.modifiedCount === 1;
  }
}
