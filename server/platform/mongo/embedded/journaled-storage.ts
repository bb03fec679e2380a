import fs from "node:fs";
import path from "node:path";
import type { Document, ObjectId } from "bson";
import { congodb } from "@push.rocks/smartmongo";
import { FieldIndexes } from "./field-index";

// The engine compares with `instanceof` against its own (ESM) copy of bson; revived ObjectIds must
// come from that copy, not from the CommonJS build a plain `import "bson"` resolves to.
const { EJSON } = congodb.plugins.bson;

/**
 * CongoDB's in-memory storage made durable with a write-ahead journal.
 *
 * Why not CongoDB's own persistence: its file adapter rewrites a whole collection file as
 * plain JSON on every write (O(n) per insert, torn files on kill -9, dates come back as strings)
 * and the memory adapter's periodic dump loses everything since the last interval. Here every
 * mutation is appended synchronously to `journal.ejson` as Extended JSON (dates, ObjectIds and
 * binaries keep their types) before the command is acknowledged, so a killed process loses
 * nothing the OS has accepted; a snapshot compacts the journal on clean shutdown and when it grows.
 * Replay is idempotent (every entry sets or deletes a whole document), so a crash between writing a
 * snapshot and truncating the journal is harmless.
 */

type Indexes = Array<{ name: string; key: Record<string, unknown>; unique?: boolean; sparse?: boolean }>;

type JournalEntry =
  | { op: "put"; db: string; coll: string; doc: Document }
  | { op: "del"; db: string; coll: string; id: string }
  | { op: "createColl"; db: string; coll: string }
  | { op: "dropColl"; db: string; coll: string }
  | { op: "dropDb"; db: string }
  | { op: "renameColl"; db: string; coll: string; to: string }
  | { op: "indexes"; db: string; coll: string; indexes: Indexes };

interface Snapshot {
  databases: Record<string, Record<string, Document[]>>;
  indexes: Record<string, Record<string, Indexes>>;
}

/** The parts of MemoryStorageAdapter we rebuild on restore; private in its typings, public at runtime. */
interface MemoryInternals {
  databases: Map<string, Map<string, Map<string, Document>>>;
  indexes: Map<string, Map<string, Indexes>>;
}

const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

export class JournaledStorage extends congodb.MemoryStorageAdapter {
  private readonly snapshotPath: string;
  private readonly journalPath: string;
  private journalFd: number | undefined;
  private journalBytes = 0;
  private replaying = false;
  /** Equality indexes on declared index fields, read by the command router (id-lookup.ts). */
  readonly fieldIndexes = new FieldIndexes();

  constructor(private readonly dir: string) {
    super();
    this.snapshotPath = path.join(dir, "snapshot.ejson");
    this.journalPath = path.join(dir, "journal.ejson");
  }

  override async initialize(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    this.replaying = true;
    try {
      this.restoreSnapshot();
      this.replayJournal();
      this.rebuildFieldIndexes();
    } finally {
      this.replaying = false;
    }
    this.journalFd = fs.openSync(this.journalPath, "a");
    this.journalBytes = fs.fstatSync(this.journalFd).size;
  }

  override async close(): Promise<void> {
    if (this.journalFd === undefined) return;
    this.compact();
    fs.closeSync(this.journalFd);
    this.journalFd = undefined;
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
    const stored = await super.insertOne(db, coll, doc);
    this.fieldIndexes.add(db, coll, stored);
    this.append({ op: "put", db, coll, doc: stored });
    return stored;
  }

  override async updateById(db: string, coll: string, id: ObjectId, doc: Document & { _id: ObjectId }) {
    const before = this.internals.databases.get(db)?.get(coll)?.get(id.toHexString());
    const updated = await super.updateById(db, coll, id, doc);
    if (updated) {
      this.fieldIndexes.replace(db, coll, before!, doc);
      this.append({ op: "put", db, coll, doc });
    }
    return updated;
  }

  override async deleteById(db: string, coll: string, id: ObjectId): Promise<boolean> {
    const before = this.internals.databases.get(db)?.get(coll)?.get(id.toHexString());
    const deleted = await super.deleteById(db, coll, id);
    if (deleted) {
      this.fieldIndexes.replace(db, coll, before!);
      this.append({ op: "del", db, coll, id: id.toHexString() });
    }
    return deleted;
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

  private get internals(): MemoryInternals {
    return this as unknown as MemoryInternals;
  }

  private rebuildFieldIndexes(): void {
    for (const [db, collections] of this.internals.databases) {
      for (const coll of collections.keys()) this.rebuildFieldIndexesOf(db, coll);
    }
  }

  private rebuildFieldIndexesOf(db: string, coll: string): void {
    const documents = this.internals.databases.get(db)?.get(coll)?.values() ?? [];
    this.fieldIndexes.rebuild(db, coll, this.internals.indexes.get(db)?.get(coll) ?? [], documents);
  }

  private appendIndexes(db: string, coll: string): void {
    const indexes = this.internals.indexes.get(db)?.get(coll) ?? [];
    this.append({ op: "indexes", db, coll, indexes });
  }

  private append(entry: JournalEntry): void {
    if (this.replaying || this.journalFd === undefined) return;
    const line = `${EJSON.stringify(entry)}\n`;
    this.journalBytes += fs.writeSync(this.journalFd, line);
    if (this.journalBytes > COMPACT_AFTER_BYTES) this.compact();
  }

  /** Writes the whole state as a snapshot (atomically, via rename) and empties the journal. */
  private compact(): void {
    const snapshot: Snapshot = { databases: {}, indexes: {} };
    for (const [db, collections] of this.internals.databases) {
      snapshot.databases[db] = {};
      for (const [coll, docs] of collections) snapshot.databases[db][coll] = [...docs.values()];
    }
    for (const [db, collections] of this.internals.indexes) {
      snapshot.indexes[db] = Object.fromEntries(collections);
    }
    const temporary = `${this.snapshotPath}.tmp`;
    fs.writeFileSync(temporary, EJSON.stringify(snapshot));
    fs.renameSync(temporary, this.snapshotPath);
    if (this.journalFd !== undefined) fs.ftruncateSync(this.journalFd, 0);
    this.journalBytes = 0;
  }

  private restoreSnapshot(): void {
    if (!fs.existsSync(this.snapshotPath)) return;
    const snapshot = EJSON.parse(fs.readFileSync(this.snapshotPath, "utf8")) as Snapshot;
    for (const [db, collections] of Object.entries(snapshot.databases)) {
      for (const [coll, docs] of Object.entries(collections)) {
        const collection = this.collectionMap(db, coll);
        for (const doc of docs) collection.set((doc._id as ObjectId).toHexString(), doc);
      }
    }
    for (const [db, collections] of Object.entries(snapshot.indexes)) {
      for (const [coll, indexes] of Object.entries(collections)) this.indexMap(db).set(coll, indexes);
    }
  }

  private replayJournal(): void {
    if (!fs.existsSync(this.journalPath)) return;
    const lines = fs.readFileSync(this.journalPath, "utf8").split("\n");
    for (const line of lines) {
      if (line === "") continue;
      let entry: JournalEntry;
      try {
        entry = EJSON.parse(line) as JournalEntry;
      } catch {
        break; // a torn final line from a crash mid-write: everything before it is intact
      }
      this.applyEntry(entry);
    }
  }

  private applyEntry(entry: JournalEntry): void {
    const { databases } = this.internals;
    switch (entry.op) {
      case "put":
        this.collectionMap(entry.db, entry.coll).set((entry.doc._id as ObjectId).toHexString(), entry.doc);
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

  private collectionMap(db: string, coll: string): Map<string, Document> {
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
