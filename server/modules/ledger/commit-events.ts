import { mongo, type Connection } from "mongoose";
import { traceEventModel, type TraceEventDoc } from "./data/trace-event.model";

const MAX_ATTEMPTS = 5;

/**
 * What a chain head keeps of its newest commit, so that a writer that dies between committing the
 * head and inserting the events leaves nothing only in its memory: `lastEvent` is the newest
 * event; a commit of several events (a bulk append) also keeps all of them, oldest first, in
 * `lastEvents`, which the writer removes once they are inserted.
 *
 * `lastEvents` is one opaque string (base64 of the events' BSON, see encodeCommit): it is written
 * once and read only to repair, and as nested documents every layer on the way (driver, wire,
 * the embedded engine's update and journal) would walk all k events twice more.
 */
export interface CommitCopy {
  lastEvent?: Record<string, unknown>;
  lastEvents?: string;
}

/** The `lastEvents` copy of a commit's events (exact: BSON keeps dates, ObjectIds, numbers). */
export function encodeCommit(events: TraceEventDoc[]): string {
  return Buffer.from(mongo.BSON.serialize({ events })).toString("base64");
}

function decodeCommit(copy: string): TraceEventDoc[] {
  return mongo.BSON.deserialize(Buffer.from(copy, "base64")).events as TraceEventDoc[];
}

/** The events of a head's newest commit, oldest first (none for a head without a copy). */
export function newestCommit(head: CommitCopy): TraceEventDoc[] {
  const last = head.lastEvent as unknown as TraceEventDoc | undefined;
  if (!last?._id) return [];
  if (typeof head.lastEvents !== "string") return [last];
  const list = decodeCommit(head.lastEvents);
  // A list left by an earlier bulk commit (its writer died before removing it) is not this commit's.
  return list.length > 0 && list[list.length - 1]._id.equals(last._id) ? list : [last];
}

/**
 * Inserts the events of one commit, in order. Another writer may be putting the same committed
 * events in place from the head's copy (they are the same documents), so duplicates mean done and
 * only the missing ones are inserted. In order, so that the newest event is present only once
 * all its predecessors are: the start-up repair checks the newest alone. Returns how many this
 * call inserted.
 */
export async function insertCommitted(
  connection: Connection,
  events: TraceEventDoc[],
  options: { knownMissing: boolean } = { knownMissing: false },
): Promise<number> {
  const collection = traceEventModel(connection).collection;
  let missing = options.knownMissing ? events : await missingOf(connection, events);
  let inserted = 0;
  for (let attempt = 1; missing.length > 0; attempt++) {
    try {
      await collection.insertMany(missing, { ordered: true });
      return inserted + missing.length;
    } catch (error) {
      const { code, insertedCount } = error as { code?: number; insertedCount?: number };
      if (code !== 11000 || attempt >= MAX_ATTEMPTS) throw error;
      inserted += insertedCount ?? 0;
      missing = await missingOf(connection, events);
    }
  }
  return inserted;
}

async function missingOf(connection: Connection, events: TraceEventDoc[]): Promise<TraceEventDoc[]> {
  const present = await traceEventModel(connection)
    .collection.find({ _id: { $in: events.map((event) => event._id) } }, { projection: { _id: 1 } })
    .toArray();
  const found = new Set(present.map((event) => event._id.toHexString()));
  return events.filter((event) => !found.has(event._id.toHexString()));
}
