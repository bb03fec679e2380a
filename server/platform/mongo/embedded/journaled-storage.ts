import fs from "node:fs";
import path from "node:path";
import type { Document, ObjectId } from "bson";
import { congodb } from "@push.rocks/smartmongo";
import { decodeFields, fieldNames, filterFields } from "./bson-fields";
import { FieldIndexes } from "./field-index";
import { readSnapshot, SNAPSHOT_FORMAT, SnapshotWriter } from "./snapshot-file";

// The engine compares with `instanceof` against its own (ESM) copy of bson; revived ObjectIds must
// come from that copy, not from the CommonJS build a plain `import "bson"` resolves to.
const { EJSON, serialize, deserialize } = congodb.plugins.bson;

/**
 * CongoDB's in-memory storage made durable with a write-ahead journal, and compact in memory.
 *
 * Why not CongoDB's own persistence: its file adapter rewrites a whole collection file as
 * plain JSON on every write (O(n) per insert, torn files on kill -9, dates come back as strings)
 * and the memory adapter's periodic dump loses everything since the last interval. Here every
 * mutation is appended synchronously to `journal.ejson` as Extended JSON (dates, ObjectIds and
 * binaries keep their types) before the command is acknowledged, so a killed process loses
 * nothing the OS has accepted.
 *
 * Documents are kept as BSON bytes, decoded on every read (decision 0039): a stored trace event
 * costs about a third of the heap it took as objects, and every read gets its own copy.
 *
 * Compaction (on clean shutdown and when the journal passes 64 MiB) does not stop the thread: it
 * moves the journal aside to `journal.old.ejson`, starts a new one of the next generation, and
 * writes the snapshot a few MiB at a time while writes go on into the new journal. The snapshot
 * is fuzzy (each document as it was when written), which is harmless: every change made since
 * the new journal began is in it, and replay sets or deletes whole documents. On start, the
 * snapshot names its generation; a journal of an older generation is already in it and is not
 * replayed (a crash between renaming the snapshot and removing the old journal).
 */

type Indexes = Array<{ name: string; key: Record<string, unknown>; unique?: boolean; sparse?: boolean }>;

type JournalEntry =
  | { op: "begin"; generation: number }
  | { op: "put"; db: string; coll: string; doc: Document }
  /** A stored document as its BSON bytes (base64): no Extended JSON to write or parse (issue 15). */
  | { op: "putBson"; db: string; coll: string; id: string; bson: string }
  | { op: "del"; db: string; coll: string; id: string }
  | { op: "createColl"; db: string; coll: string }
  | { op: "dropColl"; db: string; coll: string }
  | { op: "dropDb"; db: string }
  | { op: "renameColl"; db: string; coll: string; to: string }
  | { op: "indexes"; db: string; coll: string; indexes: Indexes };

/** The snapshot format before decision 0039: the whole state as one Extended JSON document. */
interface LegacySnapshot {
  databases: Record<string, Record<string, Document[]>>;
  indexes: Record<string, Record<string, Indexes>>;
}

/**
 * The parts of MemoryStorageAdapter we keep and rebuild; private in its typings, public at
 * runtime. Its documents are our BSON bytes: every method of it that reads or writes a document's
 * value is overridden here; the others (count, delete, rename, drop) only move map entries.
 */
interface MemoryInternals {
  databases: Map<string, Map<string, Map<string, Uint8Array>>>;
  indexes: Map<string, Map<string, Indexes>>;
}

const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

export class JournaledStorage extends congodb.MemoryStorageAdapter {
  private readonly snapshotPath: string;
  private readonly legacySnapshotPath: string;
  private readonly journalPath: string;
  private readonly oldJournalPath: string;
  private journalFd: number | undefined;
  private journalBytes = 0;
  /** The current journal's generation (its first line says it). */
  private generation = 0;
  private compaction: Promise<void> | undefined;
  private replaying = false;
  /** Equality indexes on declared index fields, read through `candidates` (id-lookup.ts). */
  private readonly fieldIndexes = new FieldIndexes();

  /**
   * `compactAfterBytes`: the journal size that starts a compaction (tests make it small);
   * `onCompactionError`: told when a compaction started by the journal's growth fails.
   */
  constructor(
    private readonly dir: string,
    private readonly options: { compactAfterBytes?: number; onCompactionError?: (error: Error) => void } = {},
  ) {
    super();
    this.snapshotPath = path.join(dir, "snapshot.bson");
    this.legacySnapshotPath = path.join(dir, "snapshot.ejson");
    this.journalPath = path.join(dir, "journal.ejson");
    this.oldJournalPath = path.join(dir, "journal.old.ejson");
  }

  override async initialize(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    this.replaying = true;
    try {
      const snapshotGeneration = this.restoreSnapshot();
      const replayed = [this.oldJournalPath, this.journalPath].map((file) =>
        this.replayJournal(file, snapshotGeneration),
      );
      this.generation = Math.max(snapshotGeneration, ...replayed);
      this.rebuildFieldIndexes();
    } finally {
      this.replaying = false;
    }
    this.openJournal();
    // A compaction cut short, or a snapshot in the format before 0039: one snapshot of it all now.
    if (fs.existsSync(this.oldJournalPath) || fs.existsSync(this.legacySnapshotPath))
      await this.startCompaction();
  }

  override async close(): Promise<void> {
    if (this.journalFd === undefined) return;
    await this.compaction?.catch(() => undefined); // one that failed is done again now
    await this.startCompaction();
    fs.closeSync(this.journalFd);
    this.journalFd = undefined;
  }

  /**
   * The documents that may match `filter` by the declared index fields, decoded as they are read,
   * or undefined when no indexed field bounds it (field-index.ts).
   */
  candidates(db: string, coll: string, filter: unknown): Iterable<Document> | undefined {
    const ids = this.candidateIds(db, coll, filter);
    return ids && decodedById(ids, this.internals.databases.get(db)?.get(coll));
  }

  /** A collection's stored documents (BSON) by `_id` hex, or undefined when it does not exist. */
  storedDocuments(db: string, coll: string): ReadonlyMap<string, Uint8Array> | undefined {
    return this.internals.databases.get(db)?.get(coll);
  }

  /** Ids of the documents that may match `filter` by the declared index fields (field-index.ts). */
  candidateIds(db: string, coll: string, filter: unknown): Iterable<string> | undefined {
    return this.fieldIndexes.candidates(db, coll, filter);
  }

  /** Ids of exactly the documents that match `filter`, when the indexes can tell (field-index.ts). */
  exactMatchIds(db: string, coll: string, filter: unknown): Iterable<string> | undefined {
    return this.fieldIndexes.exactMatches(db, coll, filter);
  }

  /**
   * The documents of a collection that match `filter` (the first `wanted`), tested one at a time
   * on the fields the filter reads: the others are never decoded whole, and no whole collection
   * of objects is alive at once.
   */
  matching(db: string, coll: string, filter: Document, wanted = Infinity): Document[] {
    const query = new congodb.plugins.Query(filter);
    const fields = filterFields(filter);
    const names = fields && fieldNames(fields);
    const matches: Document[] = [];
    for (const bytes of this.collectionMap(db, coll).values()) {
      // The filter is tested on the fields it reads; only a match is decoded whole.
      const probe = names ? decodeFields(bytes, names) : decode(bytes);
      if (query.test(probe) && matches.push(names ? decode(bytes) : probe) >= wanted) break;
    }
    return matches;
  }

  override async createCollection(db: string, coll: string): Promise<void> {
    await super.createCollection(db, coll);
    this.append({ op: "createColl", db, coll });
  }

  override async dropCollection(db: string, coll: string): Promise<boolean> {
    const dropped = await super.dropCollection(db, coll);
    this.fieldIndexes.drop(db, coll);
    this.append({ op: "dropColl", db, coll });
    return dropped;
  }

  override async dropDatabase(db: string): Promise<boolean> {
    const dropped = await super.dropDatabase(db);
    this.fieldIndexes.drop(db);
    this.append({ op: "dropDb", db });
    return dropped;
  }

  override async renameCollection(db: string, coll: string, to: string): Promise<void> {
    await super.renameCollection(db, coll, to);
    this.fieldIndexes.drop(db, coll);
    this.rebuildFieldIndexesOf(db, to);
    this.append({ op: "renameColl", db, coll, to });
  }

  override async insertOne(db: string, coll: string, doc: Document) {
    const collection = this.collectionMap(db, coll);
    const stored = { ...doc, _id: doc._id instanceof ObjectIdClass ? doc._id : new ObjectIdClass(doc._id) };
    const id = stored._id.toHexString();
    if (collection.has(id)) throw new Error(`Duplicate key error: _id ${id}`);
    const bytes = encode(stored);
    collection.set(id, bytes);
    this.fieldIndexes.add(db, coll, id, stored);
    this.appendDocument(db, coll, id, bytes);
    return stored;
  }

  override async findAll(db: string, coll: string) {
    return Array.from(this.collectionMap(db, coll).values(), decode);
  }

  override async findById(db: string, coll: string, id: ObjectId) {
    const bytes = this.collectionMap(db, coll).get(id.toHexString());
    return bytes ? decode(bytes) : null;
  }

  override async updateById(db: string, coll: string, id: ObjectId, doc: Document & { _id: ObjectId }) {
    const collection = this.collectionMap(db, coll);
    const key = id.toHexString();
    const before = collection.get(key);
    if (!before) return false;
    const bytes = encode(doc);
    collection.set(key, bytes);
    if (this.fieldIndexes.covers(db, coll))
      this.fieldIndexes.replace(db, coll, key, this.keyed(db, coll, before), doc);
    this.appendDocument(db, coll, key, bytes);
    return true;
  }

  override async deleteById(db: string, coll: string, id: ObjectId): Promise<boolean> {
    const collection = this.collectionMap(db, coll);
    const key = id.toHexString();
    const before = collection.get(key);
    if (!before) return false;
    collection.delete(key);
    if (this.fieldIndexes.covers(db, coll))
      this.fieldIndexes.replace(db, coll, key, this.keyed(db, coll, before));
    this.append({ op: "del", db, coll, id: key });
    return true;
  }

  override async saveIndex(...args: Parameters<congodb.MemoryStorageAdapter["saveIndex"]>): Promise<void> {
    await super.saveIndex(...args);
    this.rebuildFieldIndexesOf(args[0], args[1]);
    this.appendIndexes(args[0], args[1]);
  }

  override async dropIndex(db: string, coll: string, name: string): Promise<boolean> {
    const dropped = await super.dropIndex(db, coll, name);
    this.rebuildFieldIndexesOf(db, coll);
    this.appendIndexes(db, coll);
    return dropped;
  }

  /**
   * The fields of a stored document that its index keys are read from, decoded from its bytes
   * (the whole document is not: an anchoring claim at 1,000,000 events decoded each event twice).
   */
  private keyed(db: string, coll: string, bytes: Uint8Array): Document {
    return decodeFields(bytes, this.fieldIndexes.keyFieldNames(db, coll));
  }

  private get internals(): MemoryInternals {
    return this as unknown as MemoryInternals;
  }

  private rebuildFieldIndexes(): void {
    for (const [db, collections] of this.internals.databases) {
      for (const coll of collections.keys()) this.rebuildFieldIndexesOf(db, coll);
    }
  }

  private rebuildFieldIndexesOf(db: string, coll: string): void {
    const documents = this.internals.databases.get(db)?.get(coll) ?? new Map<string, Uint8Array>();
    this.fieldIndexes.rebuild(
      db,
      coll,
      this.internals.indexes.get(db)?.get(coll) ?? [],
      decodedEntries(documents),
    );
  }

  private appendIndexes(db: string, coll: string): void {
    const indexes = this.internals.indexes.get(db)?.get(coll) ?? [];
    this.append({ op: "indexes", db, coll, indexes });
  }

  /**
   * Journals a stored document as the bytes it is stored as: its Extended JSON cost ~2.5× the CPU
   * (6–7 µs against 2.7–2.9 for an event), on every write of a drain (issue 15).
   */
  private appendDocument(db: string, coll: string, id: string, bytes: Uint8Array): void {
    this.append({
      op: "putBson",
      db,
      coll,
      id,
      bson: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64"),
    });
  }

  private append(entry: JournalEntry): void {
    if (this.replaying || this.journalFd === undefined) return;
    const line = `${EJSON.stringify(entry)}\n`;
    this.journalBytes += fs.writeSync(this.journalFd, line);
    if (this.journalBytes > (this.options.compactAfterBytes ?? COMPACT_AFTER_BYTES) && !this.compaction) {
      // The journal keeps every write; the next compaction tries again.
      this.startCompaction().catch((error: unknown) => this.options.onCompactionError?.(error as Error));
    }
  }

  /** Starts a compaction unless one is running (two would race on the files); resolves when it ends. */
  private startCompaction(): Promise<void> {
    this.compaction ??= this.compact().finally(() => (this.compaction = undefined));
    return this.compaction;
  }

  /** Opens the journal for appending; a new (empty) one starts with its generation. */
  private openJournal(): void {
    this.journalFd = fs.openSync(this.journalPath, "a");
    this.journalBytes = fs.fstatSync(this.journalFd).size;
    if (this.journalBytes === 0) {
      this.journalBytes += fs.writeSync(
        this.journalFd,
        `${EJSON.stringify({ op: "begin", generation: this.generation })}\n`,
      );
    }
  }

  /**
   * Writes the whole state as a snapshot (atomically, via rename) and retires the journal it
   * covers, answering requests between slices (see the class comment for why a fuzzy snapshot
   * is safe). When an old journal is still there (a compaction that failed or was cut short), the
   * current journal is not moved: the snapshot takes its generation and the whole of it replays
   * on top.
   */
  private async compact(): Promise<void> {
    if (!fs.existsSync(this.oldJournalPath)) {
      fs.closeSync(this.journalFd!);
      fs.renameSync(this.journalPath, this.oldJournalPath);
      this.generation += 1;
      this.openJournal();
    }
    const temporary = `${this.snapshotPath}.tmp`;
    const writer = await SnapshotWriter.create(temporary);
    try {
      await writer.add({ tag: "H", format: SNAPSHOT_FORMAT, generation: this.generation });
      const collections = [...this.internals.databases].flatMap(([db, colls]) =>
        [...colls].map(([coll, docs]) => ({ db, coll, docs })),
      );
      for (const { db, coll, docs } of collections) {
        await writer.add({ tag: "C", db, coll });
        for (const bytes of docs.values()) await writer.add({ tag: "D", bytes });
      }
      for (const [db, colls] of this.internals.indexes) {
        for (const [coll, indexes] of colls) await writer.add({ tag: "I", db, coll, indexes });
      }
      await writer.add({ tag: "E" });
    } finally {
      await writer.close();
    }
    // Off this thread's event loop (libuv's pool): replacing the old snapshot makes ext4 allocate
    // the new one's delayed blocks and free (and discard) the old one's inside the rename, and
    // removing the old journal frees its blocks too. Synchronous, they held the engine for 50–300 ms
    // per compaction at 200,000–1,000,000 events (the thread asleep in the file system, issue 15).
    await fs.promises.rename(temporary, this.snapshotPath);
    await fs.promises.rm(this.oldJournalPath, { force: true });
    await fs.promises.rm(this.legacySnapshotPath, { force: true });
  }

  /** Loads the snapshot, if any; returns its generation (0 for none or the legacy format). */
  private restoreSnapshot(): number {
    if (!fs.existsSync(this.snapshotPath)) {
      this.restoreLegacySnapshot();
      return 0;
    }
    let generation = 0;
    let collection: Map<string, Uint8Array> | undefined;
    for (const record of readSnapshot(this.snapshotPath)) {
      switch (record.tag) {
        case "H":
          if (record.format !== SNAPSHOT_FORMAT) throw new Error(`unknown snapshot format ${record.format}`);
          generation = record.generation;
          break;
        case "C":
          collection = this.collectionMap(record.db, record.coll);
          break;
        case "D":
          collection!.set(idOf(record.bytes), record.bytes);
          break;
        case "I":
          this.indexMap(record.db).set(record.coll, record.indexes as Indexes);
          break;
      }
    }
    return generation;
  }

  private restoreLegacySnapshot(): void {
    if (!fs.existsSync(this.legacySnapshotPath)) return;
    const snapshot = EJSON.parse(fs.readFileSync(this.legacySnapshotPath, "utf8")) as LegacySnapshot;
    for (const [db, collections] of Object.entries(snapshot.databases)) {
      for (const [coll, docs] of Object.entries(collections)) {
        const collection = this.collectionMap(db, coll);
        for (const doc of docs) collection.set((doc._id as ObjectId).toHexString(), encode(doc));
      }
    }
    for (const [db, collections] of Object.entries(snapshot.indexes)) {
      for (const [coll, indexes] of Object.entries(collections)) this.indexMap(db).set(coll, indexes);
    }
  }

  /**
   * Replays a journal unless the snapshot already holds it (an older generation); returns its
   * generation (a journal without a `begin` line is from before generations: 0).
   */
  private replayJournal(file: string, snapshotGeneration: number): number {
    if (!fs.existsSync(file)) return 0;
    const lines = fs.readFileSync(file, "utf8").split("\n");
    let generation: number | undefined;
    for (const line of lines) {
      if (line === "") continue;
      let entry: JournalEntry;
      try {
        entry = EJSON.parse(line) as JournalEntry;
      } catch {
        break; // a torn final line from a crash mid-write: everything before it is intact
      }
      if (generation === undefined) {
        generation = entry.op === "begin" ? entry.generation : 0;
        if (generation < snapshotGeneration) return generation;
      }
      this.applyEntry(entry);
    }
    return generation ?? 0;
  }

  private applyEntry(entry: JournalEntry): void {
    const { databases } = this.internals;
    switch (entry.op) {
      case "put":
        this.collectionMap(entry.db, entry.coll).set(
          (entry.doc._id as ObjectId).toHexString(),
          encode(entry.doc),
        );
        break;
      case "putBson":
        this.collectionMap(entry.db, entry.coll).set(entry.id, Buffer.from(entry.bson, "base64"));
        break;
      case "del":
        this.collectionMap(entry.db, entry.coll).delete(entry.id);
        break;
      case "createColl":
        this.collectionMap(entry.db, entry.coll);
        break;
      case "dropColl":
        databases.get(entry.db)?.delete(entry.coll);
        this.indexMap(entry.db).delete(entry.coll);
        break;
      case "dropDb":
        databases.delete(entry.db);
        this.internals.indexes.delete(entry.db);
        break;
      case "renameColl": {
        const docs = this.collectionMap(entry.db, entry.coll);
        databases.get(entry.db)?.delete(entry.coll);
        databases.get(entry.db)?.set(entry.to, docs);
        const indexes = this.indexMap(entry.db).get(entry.coll);
        this.indexMap(entry.db).delete(entry.coll);
        if (indexes) this.indexMap(entry.db).set(entry.to, indexes);
        break;
      }
      case "indexes":
        this.indexMap(entry.db).set(entry.coll, entry.indexes);
        break;
    }
  }

  private collectionMap(db: string, coll: string): Map<string, Uint8Array> {
    const { databases } = this.internals;
    if (!databases.has(db)) databases.set(db, new Map());
    const collections = databases.get(db)!;
    if (!collections.has(coll)) {
      collections.set(coll, new Map());
      if (!this.indexMap(db).has(coll))
        this.indexMap(db).set(coll, [{ name: "_id_", key: { _id: 1 }, unique: true }]);
    }
    return collections.get(coll)!;
  }

  private indexMap(db: string): Map<string, Indexes> {
    const { indexes } = this.internals;
    if (!indexes.has(db)) indexes.set(db, new Map());
    return indexes.get(db)!;
  }
}

const ObjectIdClass = congodb.plugins.bson.ObjectId;

/** A document as stored: BSON, in Node's buffer pool (no allocation of its own below 4 KiB). */
function encode(doc: Document): Uint8Array {
  return serialize(doc, { ignoreUndefined: true });
}

function decode(bytes: Uint8Array): congodb.IStoredDocument {
  return deserialize(bytes) as congodb.IStoredDocument;
}

function* decodedById(ids: Iterable<string>, documents: Map<string, Uint8Array> | undefined) {
  for (const id of ids) {
    const bytes = documents?.get(id);
    if (bytes) yield decode(bytes);
  }
}

function* decodedEntries(documents: Map<string, Uint8Array>): Generator<[string, Document]> {
  for (const [id, bytes] of documents) yield [id, decode(bytes)];
}

/**
 * The `_id` hex of a stored document: read from the bytes when `_id` is its first field and an
 * ObjectId (the driver and the engine put it first), else from the decoded document.
 */
function idOf(bytes: Uint8Array): string {
  const OBJECT_ID = 0x07;
  const startsWithId =
    bytes[4] === OBJECT_ID && bytes[5] === 0x5f && bytes[6] === 0x69 && bytes[7] === 0x64 && bytes[8] === 0;
  if (startsWithId) return Buffer.from(bytes.buffer, bytes.byteOffset + 9, 12).toString("hex");
  return (decode(bytes)._id as ObjectId).toHexString();
}
