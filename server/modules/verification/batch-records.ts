import { LRUCache } from "lru-cache";
import { Types, type Connection } from "mongoose";
import {
  ANCHORED_STATES,
  findLeafIndex,
  unpackLeaves,
  WindowStore,
  type AnchorWindowDoc,
} from "../anchoring";
import { BatchRepository, type BatchDoc, batchDigitalLink, lineage } from "../batches";
import {
  TraceEventRepository,
  type ChainedEvent,
  findSealedFields,
  type UseCaseContext,
  newestCommit,
  openingsFor,
} from "../ledger";
import { knownMerkleTrees, type MerkleTree } from "../../platform/crypto/merkle";
import { buildMerkleTreeOffThread } from "../../platform/crypto/merkle-off-thread";
import {
  batchLabel,
  BUNDLE_METHOD,
  commissionedLabel,
  PROOF_BUNDLE_FORMAT,
  type BundleAnchor,
  type BundleCompleteness,
  type BundleEvent,
  type BundleOpening,
  type ProofBundle,
} from "./domain/proof-bundle";
import { AppError } from "../../platform/errors";
import { inSharedMemory } from "../../platform/threads/shared-memory";
import { type LedgerMapCache, batchLedgerKey } from "../anchoring";

export interface BundleContext extends UseCaseContext {
  chainId: number;
  registry: string;
  publicBaseUrl: string;
  trees: WindowTrees;
  windows: AnchoredWindows;
  maps: LedgerMapCache;
  /** The registry's newest window (latestWindow()). */
  latestWindow(): Promise<{ index: number; root: string; mapRoot: string }>;
}

/** A proof bundle and the service facts behind it that a bundle does not carry. */
export interface BatchRecords {
  bundle: ProofBundle;
  subject: BatchDoc;
  /** Every batch of the bundle (subject and inputs) by id. */
  batches: Map<string, BatchDoc>;
}

/**
 * Gathers a batch's proof bundle: its chain and the chains of every batch it was made from, each
 * anchored event with its Merkle proof, and the anchored roots. With `openingsFor`, the private
 * values that organization may see are added (a "full" bundle for auditors and the producer).
 */
export async function collectBatchRecords(
  ctx: BundleContext,
  subject: BatchDoc,
  options: { openingsFor?: { orgId: string; seesAll: boolean } } = {},
): Promise<BatchRecords> {
  // Heads first, then events up to each head: a consistent snapshot while appends go on.
  const batchDocs =
    (subject.inputs ?? []).length === 0
      ? [subject]
      : await new BatchRepository(ctx.connection).findMany(
          (await lineage(ctx, subject, "upstream")).nodes.map((node) => new Types.ObjectId(node.id)),
        );
  const batches = new Map(batchDocs.map((batch) => [batch._id.toHexString(), batch]));
  const events = await chainEvents(ctx.connection, batchDocs);
  const windows = await ctx.windows.of(events);
  const bundleEvents = await Promise.all(events.map((event) => bundleEvent(ctx.trees, event, windows)));
  const usedWindows = [...windows.values()].filter((window) =>
    bundleEvents.some((event) => event.anchor?.root === window.root),
  );
  const bundle: ProofBundle = {
    format: PROOF_BUNDLE_FORMAT,
    generatedAt: ctx.now().toISOString(),
    publisher: ctx.publicBaseUrl,
    method: { ...BUNDLE_METHOD },
    subject: subjectOf(ctx.publicBaseUrl, subject),
    chain: { chainId: ctx.chainId, registry: ctx.registry },
    batches: batchDocs
      .map((batch) => {
        const id = batch._id.toHexString();
        const commissioning = events.find((event) => event.batchId.equals(batch._id) && event.seq === 1);
        return {
          batchId: id,
          relation: id === subject._id.toHexString() ? ("subject" as const) : ("input" as const),
          label: batchLabel(id, commissionedLabel(commissioning?.body)),
          head: { seq: batch.head.seq, hash: batch.head.hash },
        };
      })
      .sort((a, b) =>
        a.relation === b.relation ? a.batchId.localeCompare(b.batchId) : a.relation === "subject" ? -1 : 1,
      ),
    events: bundleEvents,
    anchors: usedWindows.map(anchorOf),
    completeness: await completenessOf(ctx, batchDocs, events),
    ...(options.openingsFor ? { openings: await openingsOf(ctx, events, options.openingsFor) } : {}),
  };
  return { bundle, subject, batches };
}

/**
 * Each batch's entry (or absence) in the ledger map of the registry's newest window, under the key
 * its hashed commissioning facts give, so that the verifier needs no word of ours for the key. The
 * newest window on chain may be one this service has sent but not yet marked confirmed: its map is
 * fixed since it was recorded, so it is used rather than answering with an older one.
 */
async function completenessOf(
  ctx: BundleContext,
  batches: BatchDoc[],
  events: ChainedEvent[],
): Promise<BundleCompleteness | null> {
  const newest = await newestLedgerMap(ctx);
  if (!newest) return null;
  const { window, index, map } = newest;
  return {
    window: { index, root: window.root!, mapRoot: window.mapRoot! },
    ledgers: batches.map((batch) => {
      const batchId = batch._id.toHexString();
      const commissioning = events.find((event) => event.batchId.equals(batch._id) && event.seq === 1);
      return { batchId, ...map.proof(batchLedgerKey(batchId, commissioning?.body.data)) };
    }),
  };
}

/**
 * The ledger map after the registry's newest window (see completenessOf), with that window and its
 * index; null before any window. Built on first use and kept up to date by replaying each later
 * window (LedgerMapCache).
 */
export async function newestLedgerMap(ctx: Pick<BundleContext, "latestWindow" | "maps">) {
  const onChain = await ctx.latestWindow().catch(() => null);
  const newest = onChain && onChain.index > 0 ? await ctx.maps.windowByRoot(onChain.root) : null;
  const window = newest ?? (await ctx.maps.store.latestAnchored());
  const index = newest ? onChain!.index : window?.windowIndex;
  if (!window || !index) return null;
  const { map } = await ctx.maps.mapAfter(window);
  return { window, index, map };
}

function subjectOf(publicBaseUrl: string, batch: BatchDoc): ProofBundle["subject"] {
  const id = batch._id.toHexString();
  return {
    batchId: id,
    publicId: batch.publicId,
    digitalLink: batchDigitalLink(publicBaseUrl, {
      publicId: batch.publicId,
      gtin: batch.product.gtin,
      lot: batch.lot,
    }),
    product: {
      name: batch.product.name,
      category: batch.product.category,
      ...(batch.product.gtin ? { gtin: batch.product.gtin } : {}),
    },
    lot: batch.lot,
    ...(batch.brand ? { brand: batch.brand } : {}),
  };
}

/**
 * Each batch's events up to the head read before them. An event committed to the head but not yet
 * inserted (the moment between the two writes of an append) is taken from the batch's copy.
 */
async function chainEvents(connection: Connection, batches: BatchDoc[]): Promise<ChainedEvent[]> {
  const stored = await new TraceEventRepository(connection).ofBatches(batches.map((batch) => batch._id));
  const events: ChainedEvent[] = [];
  for (const batch of batches) {
    const own = stored.filter((event) => event.batchId.equals(batch._id) && event.seq <= batch.head.seq);
    const commit = newestCommit(batch);
    if (commit.at(-1)?.seq === batch.head.seq)
      for (const copy of commit) if (!own.some((event) => event.seq === copy.seq)) own.push(copy);
    events.push(...own.sort((a, b) => a.seq - b.seq));
  }
  return events;
}

/**
 * Anchored windows (confirmed or completed) by id, reused for `ttlMs` rather than read on every
 * verification: what a bundle takes from them (root, leaf count, transaction, block, time) does
 * not change once a window is anchored, and whether the root is on chain is the chain reader's
 * question. A window anchored since is read at once (only anchored ones are kept); all are read
 * again when the chain reader's `generation` moves (a chain reset re-anchors windows); an edit of
 * an anchored window's record shows within `ttlMs`.
 */
export class AnchoredWindows {
  private readonly windows: LRUCache<string, AnchorWindowDoc>;
  private generation: number | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly chainGeneration: () => number,
    ttlMs = 15_000,
  ) {
    this.windows = new LRUCache({ max: 1_000, ttl: ttlMs });
  }

  /** The anchored windows of these events' anchors, by window id hex. */
  async of(events: ChainedEvent[]): Promise<Map<string, AnchorWindowDoc>> {
    if (this.generation !== this.chainGeneration()) {
      this.windows.clear();
      this.generation = this.chainGeneration();
    }
    const found = new Map<string, AnchorWindowDoc>();
    const missing = new Map<string, Types.ObjectId>();
    for (const event of events) {
      const id = event.anchor?.windowId;
      if (!id) continue;
      const key = id.toHexString();
      if (found.has(key) || missing.has(key)) continue;
      const kept = this.windows.get(key);
      if (kept) found.set(key, kept);
      else missing.set(key, id);
    }
    if (missing.size === 0) return found;
    for (const window of await new WindowStore(this.connection).findManyWithoutAttempts([
      ...missing.values(),
    ])) {
      if (!window.root || !ANCHORED_STATES.includes(window.state)) continue;
      const key = window._id.toHexString();
      found.set(key, window);
      this.windows.set(key, window);
    }
    return found;
  }
}

/**
 * An event with its anchor and Merkle proof. When the stored anchoring records do not hold
 * together (the window's leaves do not give its root, or do not hold this event's hash), the
 * event keeps the root its window claims with an empty proof: the bundle then fails verification
 * and says where, instead of the service hiding the problem behind an error.
 */
async function bundleEvent(
  trees: WindowTrees,
  event: ChainedEvent,
  windows: Map<string, AnchorWindowDoc>,
): Promise<BundleEvent> {
  const window = event.anchor?.windowId ? windows.get(event.anchor.windowId.toHexString()) : undefined;
  const base = { eventId: event._id.toHexString(), hash: event.hash, body: event.body };
  if (!window) return { ...base, anchor: null };
  const storedIndex = typeof event.anchor?.leafIndex === "number" ? event.anchor.leafIndex : -1;
  const unproven = {
    ...base,
    anchor: { root: window.root!, leafIndex: Math.max(storedIndex, 0), proof: [] },
  };
  let built: { tree: MerkleTree; eventIds: Uint8Array };
  try {
    built = await trees.get(window);
  } catch (error) {
    if (error instanceof AppError && error.code === "ANCHOR_INCONSISTENT") return unproven;
    throw error;
  }
  const { tree, eventIds } = built;
  const leafIndex = storedIndex >= 0 ? storedIndex : findLeafIndex(eventIds, event._id);
  if (leafIndex < 0 || leafIndex >= tree.leafCount || tree.value(leafIndex) !== event.hash) return unproven;
  return { ...base, anchor: { root: tree.root, leafIndex, proof: tree.proof(leafIndex) } };
}

function anchorOf(window: AnchorWindowDoc): BundleAnchor {
  return {
    root: window.root!,
    leafCount: window.leafCount,
    txHash: window.txHash,
    blockNumber: window.blockNumber ?? 0,
    anchoredAt: window.anchoredAt ? new Date(window.anchoredAt).toISOString() : null,
  };
}

async function openingsOf(
  ctx: BundleContext,
  events: ChainedEvent[],
  actor: { orgId: string; seesAll: boolean },
): Promise<BundleOpening[]> {
  const sealed = events.flatMap((event) =>
    findSealedFields(event.body).map((field) => ({ eventId: event._id.toHexString(), ...field })),
  );
  const openings = await openingsFor(
    ctx,
    sealed.map((field) => field.commitment),
    actor,
  );
  return sealed.flatMap((field) => {
    const opening = openings.get(field.commitment);
    return opening
      ? [{ eventId: field.eventId, pointer: field.pointer, salt: opening.salt, value: opening.value }]
      : [];
  });
}

/** What a window's tree is looked up and checked by. */
export type WindowOfTree = Pick<AnchorWindowDoc, "_id" | "root" | "leafCount">;

/**
 * Merkle trees of anchored windows with their event id lists: the tree the process already holds
 * for the window's root (knownMerkleTrees: the anchoring worker keeps each one it records), or one
 * rebuilt from the stored leaf list and checked against the window's root. Kept (least recently
 * used out first) up to `capacityLeaves` leaves: by leaves, not windows, since at 1,000,000 events
 * (100 windows) a cache of 64 windows made most verifications of random batches rebuild one
 * (issue 15: 52 CPU ms per verify, against 16 at 100k).
 */
export class WindowTrees {
  private readonly entries: LRUCache<string, Promise<{ tree: MerkleTree; eventIds: Uint8Array }>>;

  constructor(
    private readonly connection: Connection,
    /** 2,000,000 leaves: ~200 MB at most, every window of 2M events. */
    capacityLeaves = 2_000_000,
  ) {
    this.entries = new LRUCache({ maxSize: capacityLeaves });
  }

  get(window: WindowOfTree): Promise<{ tree: MerkleTree; eventIds: Uint8Array }> {
    const key = window._id.toHexString();
    let built = this.entries.get(key);
    if (!built) {
      built = this.build(window);
      built.catch(() => this.entries.delete(key));
      this.entries.set(key, built, { size: Math.max(1, window.leafCount) });
    }
    return built;
  }

  protected async build(window: WindowOfTree): Promise<{ tree: MerkleTree; eventIds: Uint8Array }> {
    const stored = await new WindowStore(this.connection).leavesOf(window._id);
    if (!stored) {
      throw new AppError(
        "ANCHOR_INCONSISTENT",
        `window ${window._id.toHexString()} has no stored leaf list`,
        500,
      );
    }
    const tree = await knownMerkleTrees.treeOf(window.root!, () =>
      buildMerkleTreeOffThread(unpackLeaves(stored.leaves)),
    );
    if (tree.root !== window.root) {
      throw new AppError(
        "ANCHOR_INCONSISTENT",
        `the stored leaves of window ${window._id.toHexString()} give root ${tree.root}, not ${window.root}`,
        500,
      );
    }
    // In shared memory like the tree, for the verification threads (and not a view of the reply).
    return { tree, eventIds: inSharedMemory(stored.eventIds) };
  }
}
