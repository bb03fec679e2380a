import { Types } from "mongoose";
import type { Hex } from "../../platform/crypto/keccak";
import type { LedgerSubject } from "../ledger";
import { timeSlicer } from "../../platform/threads/time-slice";

/**
 * Packing of a window's leaf list: event hashes (32 bytes each) and event ids (12 bytes each) in
 * leaf order, which is ascending event id, so that a leaf index can be found by binary search.
 */
const HASH_BYTES = 32;
const ID_BYTES = 12;

export interface ClaimedEvent {
  _id: Types.ObjectId;
  hash: string;
  recordTime: Date;
  /** The event's ledger and place in it, for the ledger map. */
  batchId: Types.ObjectId;
  /** "brand" for a brand's licence register, "observations" for an observation log; absent for batch events. */
  subject?: LedgerSubject;
  seq: number;
  prevHash: string;
}

/**
 * Orders claimed events by id (the leaf order) and packs their hashes and ids. On the event loop in
 * time slices: a 10,000-event window took ~75 ms in one piece (issue 15).
 */
export async function packWindow(
  events: readonly Pick<ClaimedEvent, "_id" | "hash" | "recordTime">[],
): Promise<{
  leaves: Buffer;
  eventIds: Buffer;
  leafHashes: Hex[];
  oldestRecordTime: Date | null;
}> {
  // Claimed in id order (append order): the sort mostly confirms it.
  const ordered = [...events].sort((a, b) => Buffer.compare(a._id.id, b._id.id));
  const leaves = Buffer.alloc(ordered.length * HASH_BYTES);
  const eventIds = Buffer.alloc(ordered.length * ID_BYTES);
  let oldest: number | null = null;
  const pause = timeSlicer();
  for (const [index, event] of ordered.entries()) {
    await pause();
    if (!/^0x[0-9a-f]{64}$/.test(event.hash)) {
      throw new TypeError(`event ${event._id.toHexString()} has a malformed hash ${event.hash}`);
    }
    leaves.write(event.hash.slice(2), index * HASH_BYTES, HASH_BYTES, "hex");
    Buffer.from(event._id.id).copy(eventIds, index * ID_BYTES);
    const time = new Date(event.recordTime).getTime();
    if (oldest === null || time < oldest) oldest = time;
  }
  return {
    leaves,
    eventIds,
    leafHashes: ordered.map((event) => event.hash as Hex),
    oldestRecordTime: oldest === null ? null : new Date(oldest),
  };
}

export function unpackLeaves(leaves: Uint8Array): Hex[] {
  const buffer = Buffer.from(leaves.buffer, leaves.byteOffset, leaves.length);
  return Array.from(
    { length: buffer.length / HASH_BYTES },
    (_, index) => `0x${buffer.toString("hex", index * HASH_BYTES, (index + 1) * HASH_BYTES)}` as Hex,
  );
}

export function unpackEventIds(eventIds: Uint8Array): Types.ObjectId[] {
  const buffer = Buffer.from(eventIds.buffer, eventIds.byteOffset, eventIds.length);
  return Array.from(
    { length: buffer.length / ID_BYTES },
    (_, index) => new Types.ObjectId(buffer.toString("hex", index * ID_BYTES, (index + 1) * ID_BYTES)),
  );
}

/** Leaf index of `eventId` in a packed, ascending id list; -1 if it is not there. */
export function findLeafIndex(eventIds: Uint8Array, eventId: Types.ObjectId): number {
  const target = Buffer.from(eventId.id);
  const buffer = Buffer.from(eventIds.buffer, eventIds.byteOffset, eventIds.length);
  let low = 0;
  let high = buffer.length / ID_BYTES - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = buffer.compare(target, 0, ID_BYTES, middle * ID_BYTES, (middle + 1) * ID_BYTES);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Binary fields come back as Buffer (mongoose documents) or BSON Binary (lean reads). */
export function asBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const binary = value as { buffer?: unknown } | null;
  if (binary && binary.buffer instanceof Uint8Array) return binary.buffer;
  throw new TypeError("expected a binary value");
}
