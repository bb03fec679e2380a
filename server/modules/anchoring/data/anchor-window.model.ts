import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import { WINDOW_STATES, type WindowState } from "../domain/window-state";

/**
 * One anchoring window: the exact set of events whose hashes went into one Merkle tree and the
 * life of the `anchorRoot` transaction that anchors its root. States, in order:
 *
 * - `claiming`  the window exists and is claiming events (no root yet); a crash here abandons it;
 * - `recorded`  root, leaf list and event ids are stored; no transaction is known to be sent;
 * - `submitted` a signed transaction (hash, nonce, raw bytes) is stored, then broadcast;
 * - `confirmed` the root is on chain with ANCHOR_CONFIRMATIONS blocks (block, gas, fee stored);
 * - `completed` every event of the window carries its anchor reference;
 * - `abandoned` a claiming window that never got a root; its events were released.
 *
 * The leaf list itself lives in its own, write-once document (`AnchorWindowLeaves`), so that the
 * state changes of a window rewrite a small document only.
 */
export interface TxAttempt {
  txHash: string;
  nonce: number;
  /** Decimal strings (wei): bigint does not survive every engine. */
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  gasLimit: string;
  /** The signed transaction, so that a crash before or after broadcasting can send it again. */
  raw: string;
  sentAt: Date;
}

export interface AnchorWindowDoc {
  _id: Types.ObjectId;
  state: WindowState;
  /** Worker instance and lease token that opened the window. */
  holder: string;
  leaseToken: number;
  createdAt: Date;
  updatedAt: Date;
  root: string | null;
  /** Root of the ledger map after this window (decision 0015), anchored with `root`. */
  mapRoot: string | null;
  /** Position of the window in the registry's window history, read from the chain at confirmation. */
  windowIndex: number | null;
  leafCount: number;
  /**
   * Events in this window and every window recorded before it: what /healthz subtracts from the
   * number of stored events to count the backlog without reading events (issue 15). Null before
   * recording, and on windows recorded before the field existed.
   */
  recordedThrough: number | null;
  oldestRecordTime: Date | null;
  chainId: number;
  registry: string;
  txHash: string | null;
  nonce: number | null;
  attempts: TxAttempt[];
  blockNumber: number | null;
  gasUsed: number | null;
  /** Total fee paid for the window (wei, decimal string), reverted duplicates included. */
  fee: string | null;
  anchoredAt: Date | null;
  recordedAt: Date | null;
  submittedAt: Date | null;
  confirmedAt: Date | null;
  completedAt: Date | null;
  abandonedAt: Date | null;
  /** Set when the chain forgot a confirmed root (reorg, or a node restarted from older state). */
  rolledBackAt: Date | null;
  lastError: string | null;
}

const attemptSchema = new Schema<TxAttempt>(
  {
    txHash: { type: String, required: true },
    nonce: { type: Number, required: true },
    maxFeePerGas: { type: String, required: true },
    maxPriorityFeePerGas: { type: String, required: true },
    gasLimit: { type: String, required: true },
    raw: { type: String, required: true },
    sentAt: { type: Date, required: true },
  },
  { _id: false },
);

const anchorWindowSchema = new Schema<AnchorWindowDoc>(
  {
    state: { type: String, enum: WINDOW_STATES, required: true },
    holder: { type: String, required: true },
    leaseToken: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    root: { type: String, default: null },
    mapRoot: { type: String, default: null },
    windowIndex: { type: Number, default: null },
    leafCount: { type: Number, default: 0 },
    recordedThrough: { type: Number, default: null },
    oldestRecordTime: { type: Date, default: null },
    chainId: { type: Number, required: true },
    registry: { type: String, required: true },
    txHash: { type: String, default: null },
    nonce: { type: Number, default: null },
    attempts: { type: [attemptSchema], default: [] },
    blockNumber: { type: Number, default: null },
    gasUsed: { type: Number, default: null },
    fee: { type: String, default: null },
    anchoredAt: { type: Date, default: null },
    recordedAt: { type: Date, default: null },
    submittedAt: { type: Date, default: null },
    confirmedAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    abandonedAt: { type: Date, default: null },
    rolledBackAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { versionKey: false },
);
anchorWindowSchema.index({ state: 1, _id: 1 });
anchorWindowSchema.index({ root: 1 });
anchorWindowSchema.index({ blockNumber: -1 });
anchorWindowSchema.index({ windowIndex: 1 });

export function anchorWindowModel(connection: Connection) {
  return modelFor(connection, "AnchorWindow", anchorWindowSchema);
}

/**
 * The exact leaf list of a window, written once before the window becomes `recorded`, with the
 * window's id: `leaves` packs the event hashes (32 bytes each) and `eventIds` the event ids
 * (12 bytes each), both in leaf order, which is ascending event id. All a proof needs.
 * `mapChanges` are the ledger-map entries the window set (published for monitors) and
 * `mapRejections` the events it anchored without moving their ledger's head (decision 0015).
 * Inserted whole (never `$set`): the embedded engine keeps binaries intact only on insert.
 */
export interface AnchorWindowLeavesDoc {
  _id: Types.ObjectId;
  leaves: Buffer;
  eventIds: Buffer;
  mapChanges?: { key: string; ledgerId: string; seq: number; headHash: string }[];
  mapRejections?: { ledgerId: string; seqs: number[]; reason: string }[];
}

const anchorWindowLeavesSchema = new Schema<AnchorWindowLeavesDoc>(
  {
    leaves: { type: Buffer, required: true },
    eventIds: { type: Buffer, required: true },
    mapChanges: { type: Schema.Types.Mixed, default: undefined },
    mapRejections: { type: Schema.Types.Mixed, default: undefined },
  },
  { versionKey: false },
);

export function anchorWindowLeavesModel(connection: Connection) {
  return modelFor(connection, "AnchorWindowLeaves", anchorWindowLeavesSchema);
}
