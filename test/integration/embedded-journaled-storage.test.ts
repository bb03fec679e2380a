import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { congodb } from "@push.rocks/smartmongo";
import { JournaledStorage } from "../../server/platform/mongo/embedded/journaled-storage";

const { EJSON, ObjectId } = congodb.plugins.bson;

/** The journaled store itself: its files across compactions and the crashes between their steps. */
describe("embedded engine: journaled storage", () => {
  let dir: string;
  const open: JournaledStorage[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-journaled-"))));
  const closeAll = () => Promise.all(open.splice(0).map((storage) => storage.close()));
  afterEach(async () => {
    await closeAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(at = dir, options?: { compactAfterBytes?: number }): Promise<JournaledStorage> {
    const storage = new JournaledStorage(at, options);
    await storage.initialize();
    open.push(storage);
    return storage;
  }

  /** The files as a process killed with -9 now would leave them, in a directory of their own. */
  function filesIfKilledNow(): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-journaled-killed-"));
    for (const file of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, file), path.join(copy, file));
    return copy;
  }

  /** What a storage started on the files a kill -9 now would leave finds (`read`), then cleaned up. */
  async function afterKill<T>(read: (restarted: JournaledStorage) => Promise<T>): Promise<T> {
    const killed = filesIfKilledNow();
    try {
      return await read(await start(killed));
    } finally {
      await closeAll();
      fs.rmSync(killed, { recursive: true, force: true });
    }
  }

  const names = async (storage: JournaledStorage, coll: string) =>
    (await storage.findAll("db", coll)).map((doc) => doc.name as string).sort();

  it("gives every read its own copy of a stored document", async () => {
    const storage = await start();
    const { _id } = await storage.insertOne("db", "things", { name: "a", tags: ["x"] });
    const read = (await storage.findById("db", "things", _id))!;
    read.name = "changed by a caller";
    (read.tags as string[]).push("y");
    expect(await storage.findById("db", "things", _id)).to.deep.include({ name: "a", tags: ["x"] });
  });

  it("keeps every write made while a compaction is writing its snapshot, across a kill", async () => {
    const storage = await start(dir, { compactAfterBytes: 20_000 });
    const ids = [];
    let writesDuringCompaction = 0;
    for (let index = 0; index < 400; index++) {
      ids.push(
        (await storage.insertOne("db", "things", { name: `n${index}`, n: index, pad: "x".repeat(200) }))._id,
      );
      if (index % 10 === 0) await new Promise((resolve) => setImmediate(resolve)); // requests arrive; slices get written
      if (index % 7 === 0)
        await storage.updateById("db", "things", ids[index], { _id: ids[index], name: `u${index}` });
      if (index % 50 === 49) await storage.deleteById("db", "things", ids[index - 1]);
      if (fs.existsSync(path.join(dir, "journal.old.ejson"))) writesDuringCompaction++;
    }
    expect(writesDuringCompaction, "writes made while a snapshot was being written").to.be.above(0);
    const expected = await names(storage, "things");
    expect(await afterKill((restarted) => names(restarted, "things"))).to.deep.equal(expected);
  });

  it("replaces the snapshot and removes the old journal off the engine's event loop, serving writes meanwhile", async () => {
    // On ext4 the rename over the old snapshot allocates the new one's blocks and frees (discards)
    // the old one's: done synchronously, it put the engine thread to sleep for 50–300 ms per
    // compaction at 200,000+ events (issue 15, /healthz during the drain).
    const storage = await start(dir, { compactAfterBytes: 20_000 });
    const rename = fs.promises.rename;
    const renamed: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    fs.promises.rename = async (from, to) => {
      renamed.push(path.basename(String(to)));
      await held;
      return rename(from, to);
    };
    try {
      let index = 0;
      while (renamed.length === 0 && index < 2_000) {
        await storage.insertOne("db", "things", { name: `n${index++}`, pad: "x".repeat(200) });
        await new Promise((resolve) => setImmediate(resolve)); // the snapshot's slices get written
      }
      expect(renamed, "the snapshot put in place by fs.promises.rename").to.deep.equal(["snapshot.bson"]);
      // The compaction waits on the file system; the engine goes on serving.
      await storage.insertOne("db", "things", { name: "during the rename" });
      expect(await names(storage, "things")).to.include("during the rename");
    } finally {
      release();
      fs.promises.rename = rename;
    }
    const expected = await names(storage, "things");
    await new Promise((resolve) => setTimeout(resolve, 50)); // the old journal removed
    expect(await afterKill((restarted) => names(restarted, "things"))).to.deep.equal(expected);
  });

  it("does not replay a journal its snapshot already holds (killed after the snapshot, before the old journal was removed)", async () => {
    const first = await start();
    await first.insertOne("db", "a", { name: "x" }); // in the first snapshot, not in the journal below
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = await start();
    await second.renameCollection("db", "a", "b");
    const journal = fs.readFileSync(path.join(dir, "journal.ejson"));
    await second.close(); // its snapshot holds x in b; a kill before its last step leaves the old journal
    open.splice(open.indexOf(second), 1);
    fs.writeFileSync(path.join(dir, "journal.old.ejson"), journal);
    // Replayed on top, the old journal's rename would replace b (x) by a collection a it no longer has.
    const restarted = await start();
    expect(await names(restarted, "b")).to.deep.equal(["x"]);
    expect(fs.existsSync(path.join(dir, "journal.old.ejson")), "merged at start").to.equal(false);
  });

  it("journals a write as its BSON bytes and replays it with its types, across a kill", async () => {
    const storage = await start();
    const doc = await storage.insertOne("db", "things", {
      name: "typed",
      at: new Date("2026-12-07T06:00:00Z"),
      ref: new ObjectId(),
      nested: { list: [1, "two", { three: 3 }], nothing: null },
    });
    await storage.updateById("db", "things", doc._id, { ...doc, name: "typed, updated" });
    const journal = fs.readFileSync(path.join(dir, "journal.ejson"), "utf8");
    expect(journal).to.include('"op":"putBson"').and.not.include('"name":"typed');
    const replayed = await afterKill((restarted) => restarted.findById("db", "things", doc._id));
    expect(replayed).to.deep.equal({ ...doc, name: "typed, updated" });
    expect(replayed!.at).to.be.instanceOf(Date);
    expect(replayed!.ref).to.be.instanceOf(ObjectId);
  });

  it("replays the old and the new journal when killed while the snapshot was being written", async () => {
    const first = await start();
    await first.insertOne("db", "things", { name: "before the compaction" });
    await first.close();
    open.splice(open.indexOf(first), 1);
    const second = await start();
    const kept = await second.insertOne("db", "things", { name: "in the old journal" });
    await second.insertOne("db", "things", { name: "only in the old journal" });
    const killed = filesIfKilledNow();
    // As a compaction leaves them mid-write: the journal moved aside, a new generation started, a partial snapshot.
    fs.renameSync(path.join(killed, "journal.ejson"), path.join(killed, "journal.old.ejson"));
    const generation = (
      EJSON.parse(fs.readFileSync(path.join(killed, "journal.old.ejson"), "utf8").split("\n")[0]) as {
        generation: number;
      }
    ).generation;
    const newJournal = [
      { op: "begin", generation: generation + 1 },
      { op: "put", db: "db", coll: "things", doc: { _id: kept._id, name: "updated in the new journal" } },
      { op: "put", db: "db", coll: "things", doc: { _id: new ObjectId(), name: "in the new journal" } },
    ];
    fs.writeFileSync(
      path.join(killed, "journal.ejson"),
      newJournal.map((entry) => `${EJSON.stringify(entry)}\n`).join(""),
    );
    fs.writeFileSync(path.join(killed, "snapshot.bson.tmp"), "torn");
    try {
      const expected = [
        "before the compaction",
        "in the new journal",
        "only in the old journal",
        "updated in the new journal",
      ];
      expect(await names(await start(killed), "things")).to.deep.equal(expected);
      expect(fs.existsSync(path.join(killed, "journal.old.ejson")), "merged at start").to.equal(false);
    } finally {
      await closeAll();
      fs.rmSync(killed, { recursive: true, force: true });
    }
  });

  it("starts from a snapshot and journal written before snapshots were BSON, and moves them to the new format", async () => {
    const id = new ObjectId();
    const at = new Date("2026-04-12T00:00:00.000Z");
    const legacy = {
      databases: { db: { things: [{ _id: id, name: "from the old snapshot", at }] } },
      indexes: { db: { things: [{ name: "_id_", key: { _id: 1 }, unique: true }] } },
    };
    fs.writeFileSync(path.join(dir, "snapshot.ejson"), EJSON.stringify(legacy));
    const put = {
      op: "put",
      db: "db",
      coll: "things",
      doc: { _id: new ObjectId(), name: "from the old journal" },
    };
    fs.writeFileSync(path.join(dir, "journal.ejson"), `${EJSON.stringify(put)}\n`);
    const storage = await start();
    expect(await names(storage, "things")).to.deep.equal(["from the old journal", "from the old snapshot"]);
    expect((await storage.findById("db", "things", id))!.at).to.deep.equal(at);
    expect(fs.existsSync(path.join(dir, "snapshot.ejson"))).to.equal(false);
    expect(fs.existsSync(path.join(dir, "snapshot.bson"))).to.equal(true);
  });
});
