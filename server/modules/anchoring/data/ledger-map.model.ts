import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/** A ledger's head as one window set it. */
export interface LedgerMapHead {
  seq: number;
  headHash: string;
  windowId: Types.ObjectId;
}

/**
 * One entry of the ledger map (decision 0015), written when the window that set it completes. The
 * head before that window is kept in `previous`, so that the map as of the window before can still
 * be read while the next window is being applied. A cache of what the windows' change lists and
 * the chain's map roots prove: a reader rebuilds the map from these entries and checks its root
 * against the window's map root before using it.
 */
export interface LedgerMapEntryDoc {
  _id: Types.ObjectId;
  key: string;
  ledgerId: string;
  current: LedgerMapHead;
  previous: LedgerMapHead | null;
}

const headSchema = new Schema<LedgerMapHead>(
  {
    seq: { type: Number, required: true },
    headHash: { type: String, required: true },
    windowId: { type: Schema.Types.ObjectId, required: true },
  },
  { _id: false },
);

const ledgerMapEntrySchema = new Schema<LedgerMapEntryDoc>(
  {
    key: { type: String, required: true },
    ledgerId: { type: String, required: true },
    current: { type: headSchema, required: true },
    previous: { type: headSchema, default: null },
  },
  { versionKey: false },
);
ledgerMapEntrySchema.index({ key: 1 }, { unique: true });
ledgerMapEntrySchema.index({ ledgerId: 1 });

export function ledgerMapEntryModel(connection: Connection) {
  return modelFor(connection, "LedgerMapEntry", ledgerMapEntrySchema);
}
