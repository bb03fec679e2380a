import type { Types } from "mongoose";

/** What a subject document carries to be the head of a hash chain. */
export interface LedgerHeadDoc {
  _id: Types.ObjectId;
  head: { seq: number; hash: string; eventId: Types.ObjectId };
  lastEvent: Record<string, unknown>;
}
