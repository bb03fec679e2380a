import { Types, type Connection } from "mongoose";
import type { AnchorWindowDoc } from "./data/anchor-window.model";
import { TraceEventRepository, type TraceEventDoc } from "../ledger";
import { buildMerkleTreeOffThread } from "../../platform/crypto/merkle-off-thread";
import { knownMerkleTrees, type MerkleTree } from "../../platform/crypto/merkle";
import { AppError, NotFoundError } from "../../platform/errors";
import { findLeafIndex, unpackLeaves } from "./window-codec";
import { WindowStore } from "./data/window-store";

/** Everything needed to check one event against the chain without this service. */
export interface EventProof {
  eventId: string;
  eventHash: string;
  /** The tree leaf: keccak256(keccak256(abi.encode(eventHash))), what `verifyLeaf` takes. */
  leaf: string;
  root: string;
  proof: readonly string[];
  /** Position of the event hash in the window's leaf list (ascending event id). */
  leafIndex: number;
  windowId: string;
  txHash: string | null;
  blockNumber: number;
  anchoredAt: string | null;
  chainId: number;
  registry: string;
}

export class AnchorPendingError extends AppError {
  constructor(eventId: string, details: { windowId: string | null; state: string }) {
    super(
      "ANCHOR_PENDING",
      details.windowId
        ? `event ${eventId} is in window ${details.windowId}, which is ${details.state}, not confirmed yet`
        : `event ${eventId} is waiting for the next anchoring window`,
      409,
      details,
    );
  }
}

/**
 * Builds Merkle proofs from the stored leaf list of the event's window: the event must be the
 * stored leaf at its place, and the tree is the one the process holds for the window's root
 * (knownMerkleTrees) or is rebuilt from the stored leaves (off the event loop for big windows)
 * and checked against the stored root before use.
 */
export class AnchorProofs {
  private readonly store: WindowStore;

  constructor(private readonly connection: Connection) {
    this.store = new WindowStore(connection);
  }

  async findEvent(eventId: string): Promise<TraceEventDoc> {
    const event = await new TraceEventRepository(this.connection).findById(new Types.ObjectId(eventId));
    if (!event) throw new NotFoundError("event", eventId);
    return event;
  }

  async proofOf(event: TraceEventDoc): Promise<EventProof> {
    const eventId = event._id.toHexString();
    const windowId = event.anchor?.windowId;
    if (!windowId) throw new AnchorPendingError(eventId, { windowId: null, state: "unclaimed" });
    const window = await this.store.find(windowId);
    const stored = await this.store.leavesOf(windowId);
    if (
      !window ||
      !window.root ||
      !stored ||
      (window.state !== "confirmed" && window.state !== "completed")
    ) {
      throw new AnchorPendingError(eventId, {
        windowId: windowId.toHexString(),
        state: window?.state ?? "unknown",
      });
    }
    const leafIndex = event.anchor?.leafIndex ?? findLeafIndex(stored.eventIds, event._id);
    const leaves = stored.leaves;
    const inRange = leafIndex >= 0 && leafIndex < window.leafCount;
    const storedHash = inRange
      ? `0x${Buffer.from(leaves.buffer, leaves.byteOffset + leafIndex * 32, 32).toString("hex")}`
      : undefined;
    if (storedHash !== event.hash) {
      throw new AppError(
        "ANCHOR_INCONSISTENT",
        `event ${eventId} (hash ${event.hash}) is not leaf ${leafIndex} of window ${windowId.toHexString()}`,
        500,
      );
    }
    const tree = await this.treeOf(window, leaves);
    return {
      eventId,
      eventHash: event.hash,
      leaf: tree.leafHash(leafIndex),
      root: tree.root,
      proof: tree.proof(leafIndex),
      leafIndex,
      windowId: windowId.toHexString(),
      txHash: window.txHash,
      blockNumber: window.blockNumber!,
      anchoredAt: window.anchoredAt ? new Date(window.anchoredAt).toISOString() : null,
      chainId: window.chainId,
      registry: window.registry,
    };
  }

  private async treeOf(window: AnchorWindowDoc, leaves: Uint8Array): Promise<MerkleTree> {
    const tree = await knownMerkleTrees.treeOf(window.root!, () =>
      buildMerkleTreeOffThread(unpackLeaves(leaves)),
    );
    if (tree.root !== window.root) {
      throw new AppError(
        "ANCHOR_INCONSISTENT",
        `the stored leaves of window ${window._id.toHexString()} give root ${tree.root}, not ${window.root}`,
        500,
      );
    }
    return tree;
  }
}
