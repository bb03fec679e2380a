import fs from "node:fs";
import { congodb } from "@push.rocks/smartmongo";

const { serialize, deserialize } = congodb.plugins.bson;
type Document = congodb.plugins.bson.Document;

/**
 * The embedded store's snapshot file (decision 0039): a sequence of records, each a one-byte tag
 * and a BSON document. Stored documents are already BSON in memory, so writing one is a copy of its
 * bytes, and reading one needs no parsing beyond its length.
 *
 *   H {format, generation}   first: which journal generation replays on top of it
 *   C {db, coll}             the documents that follow belong to this collection
 *   D <document>             one stored document, as stored
 *   I {db, coll, indexes}    a collection's declared indexes
 *   E {}                     last: a file without it is refused
 */
export type SnapshotRecord =
  | { tag: "H"; format: string; generation: number }
  | { tag: "C"; db: string; coll: string }
  | { tag: "D"; bytes: Uint8Array }
  | { tag: "I"; db: string; coll: string; indexes: Document[] }
  | { tag: "E" };

export const SNAPSHOT_FORMAT = "ecotrace-embedded-snapshot-1";

/** How much the writer gathers before one write (the store's thread answers requests between writes). */
const SLICE_BYTES = 4 * 1024 * 1024;
/** How much the reader reads at once. */
const READ_BYTES = 16 * 1024 * 1024;

const TAG_BYTES = Object.fromEntries(
  ["H", "C", "D", "I", "E"].map((tag) => [tag, Uint8Array.of(tag.charCodeAt(0))]),
);

/** Writes records to a file in slices of a few MiB, each written off the thread (async I/O). */
export class SnapshotWriter {
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  private constructor(private readonly file: fs.promises.FileHandle) {}

  static async create(path: string): Promise<SnapshotWriter> {
    return new SnapshotWriter(await fs.promises.open(path, "w"));
  }

  /** Adds a record; resolves at once unless a slice is full, then once it is written. */
  async add(record: SnapshotRecord): Promise<void> {
    const { tag, ...fields } = record;
    const bytes = tag === "D" ? record.bytes : serialize(fields);
    this.chunks.push(TAG_BYTES[tag], bytes);
    this.bytes += 1 + bytes.length;
    if (this.bytes >= SLICE_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.file.close();
    }
  }

  private async flush(): Promise<void> {
    if (this.bytes === 0) return;
    const slice = Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    await this.file.write(slice);
  }
}

/**
 * The records of a snapshot file, read a few MiB at a time. A document's bytes are copied out of
 * the read buffer (small copies share Node's buffer pool), so the buffer does not stay alive.
 */
export function* readSnapshot(path: string): Generator<SnapshotRecord> {
  const fd = fs.openSync(path, "r");
  try {
    let pending = Buffer.alloc(0);
    let ended = false;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_BYTES);
      const read = fs.readSync(fd, chunk, 0, READ_BYTES, null);
      if (read === 0) break;
      const data =
        pending.length === 0 ? chunk.subarray(0, read) : Buffer.concat([pending, chunk.subarray(0, read)]);
      let at = 0;
      while (data.length - at >= 5) {
        const length = data.readInt32LE(at + 1);
        if (data.length - at < 1 + length) break;
        const tag = String.fromCharCode(data[at]) as SnapshotRecord["tag"];
        const bytes = data.subarray(at + 1, at + 1 + length);
        at += 1 + length;
        if (tag === "D") yield { tag, bytes: Buffer.from(bytes) };
        else if (tag === "E") ended = true;
        else yield { tag, ...deserialize(bytes) } as SnapshotRecord;
      }
      pending = Buffer.from(data.subarray(at));
    }
    if (!ended || pending.length > 0) throw new Error(`the snapshot ${path} is incomplete`);
  } finally {
    fs.closeSync(fd);
  }
}
