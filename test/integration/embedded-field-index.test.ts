import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import mongoose, { Schema } from "mongoose";
import { congodb } from "@push.rocks/smartmongo";
import { connectDatabase } from "../../server/platform/mongo/database";
import { startEmbeddedMongo } from "../../server/platform/mongo/embedded/embedded-mongo";
import { installIdLookup } from "../../server/platform/mongo/embedded/id-lookup";
import { JournaledStorage } from "../../server/platform/mongo/embedded/journaled-storage";
import { stopAsIfKilled } from "../helpers/killed-database";
import { declareIndexes, routeCommand } from "../helpers/congo-command";

const { ObjectId, serialize, deserialize } = congodb.plugins.bson;
type Document = congodb.plugins.bson.Document;

describe("embedded engine: declared index fields", () => {
  /** The journaled store, counting whole-collection reads of `things`. */
  class CountingStorage extends JournaledStorage {
    scans = 0;
    override async findAll(db: string, coll: string) {
      if (coll === "things") this.scans++;
      return super.findAll(db, coll);
    }
  }

  let dir: string;
  let storage: CountingStorage;
  let indexed: congodb.CommandRouter;
  let plain: congodb.CommandRouter;
  /** With the store's own scan (decoding the fields a filter reads) instead of whole-collection reads. */
  let scanned: congodb.CommandRouter;
  const ids = (answer: Document) =>
    (answer.cursor as { firstBatch: Document[] } | undefined)!.firstBatch.map((doc) =>
      (doc._id as congodb.plugins.bson.ObjectId).toHexString(),
    );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-field-index-"));
    storage = new CountingStorage(dir);
    await storage.initialize();
    indexed = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
    installIdLookup(indexed, (db, coll, filter) => storage.candidates(db, coll, filter));
    scanned = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
    installIdLookup(scanned, undefined, (db, coll, filter, wanted) =>
      storage.matching(db, coll, filter, wanted),
    );
    plain = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
    await declareIndexes(storage, "things", [
      { key: { batchId: 1, seq: 1 }, name: "batchId_1_seq_1" },
      { key: { anchor: 1, _id: 1 }, name: "anchor_1__id_1" },
      { key: { "origin.region": 1 }, name: "origin.region_1" },
    ]);
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers find, count, aggregate, update and delete on an indexed field without reading the whole collection", async () => {
    const batch = new ObjectId();
    const window = new ObjectId();
    for (let seq = 1; seq <= 20; seq++) {
      await storage.insertOne("db", "things", {
        batchId: seq <= 3 ? batch : new ObjectId(),
        seq,
        anchor: seq <= 15 ? { windowId: window, leafIndex: seq } : null,
      });
    }
    storage.scans = 0;
    const found = await routeCommand(indexed, {
      find: "things",
      filter: { batchId: batch },
      sort: { seq: 1 },
    });
    expect(found.cursor.firstBatch.map((doc: Document) => doc.seq)).to.deep.equal([1, 2, 3]);
    expect((await routeCommand(indexed, { count: "things", query: { anchor: null } })).n).to.equal(5);
    const counted = await routeCommand(indexed, {
      aggregate: "things",
      pipeline: [{ $match: { anchor: null } }, { $group: { _id: 1, n: { $sum: 1 } } }],
      cursor: {},
    });
    expect(counted.cursor.firstBatch[0].n).to.equal(5);
    const marked = await routeCommand(indexed, {
      update: "things",
      updates: [{ q: { anchor: null, seq: { $gte: 19 } }, u: { $set: { anchor: "x" } }, multi: true }],
    });
    expect(marked.nModified).to.equal(2);
    expect(
      (await routeCommand(indexed, { delete: "things", deletes: [{ q: { anchor: "x" }, limit: 0 }] })).n,
    ).to.equal(2);
    expect((await routeCommand(indexed, { count: "things", query: { anchor: null } })).n).to.equal(3);
    const inWindow = await routeCommand(indexed, {
      count: "things",
      query: { anchor: { windowId: window, leafIndex: 4 } },
    });
    expect(inWindow.n).to.equal(1);
    expect(storage.scans).to.equal(0);
  });

  it("counts a whole collection from its size, without reading its documents", async () => {
    for (let seq = 1; seq <= 12; seq++) await storage.insertOne("db", "things", { seq });
    await storage.deleteById("db", "things", (await storage.findAll("db", "things"))[0]._id);
    storage.scans = 0;
    expect((await routeCommand(indexed, { count: "things" })).n).to.equal(11);
    expect((await routeCommand(indexed, { count: "things", query: {} })).n).to.equal(11);
    expect((await routeCommand(indexed, { count: "things", skip: 4 })).n).to.equal(7);
    expect((await routeCommand(indexed, { count: "things", skip: 20 })).n).to.equal(0);
    expect((await routeCommand(indexed, { count: "things", limit: 3 })).n).to.equal(3);
    expect((await routeCommand(indexed, { count: "nothing" })).n).to.equal(0);
    expect(storage.scans).to.equal(0);
    // With a query the filter still decides.
    expect((await routeCommand(indexed, { count: "things", query: { seq: { $gt: 10 } } })).n).to.equal(2);
  });

  it("answers an unsorted find with a limit from the first matching candidates, in the order they took the key", async () => {
    await declareIndexes(storage, "claims", [{ key: { anchor: 1, _id: 1 }, name: "anchor_1__id_1" }]);
    const window = new ObjectId();
    const inserted: string[] = [];
    for (let seq = 1; seq <= 1_000; seq++) {
      const _id = new ObjectId();
      // Every third document is claimed: a candidate of a sub-document's first field that does not match.
      const anchor = seq % 3 === 0 ? { windowId: window, leafIndex: seq } : null;
      await storage.insertOne("db", "claims", { _id, seq, anchor });
      if (anchor === null) inserted.push(_id.toHexString());
    }
    const filtered = { documents: 0 };
    const filter = congodb.QueryEngine.filter.bind(congodb.QueryEngine);
    congodb.QueryEngine.filter = (documents, query) => {
      filtered.documents += documents.length;
      return filter(documents, query);
    };
    try {
      const oldest = await routeCommand(indexed, { find: "claims", filter: { anchor: null }, limit: 5 });
      expect(ids(oldest)).to.deep.equal(inserted.slice(0, 5));
      const window10 = await routeCommand(indexed, {
        find: "claims",
        filter: { anchor: { windowId: window, leafIndex: 30 } },
        limit: 1,
      });
      expect(window10.cursor.firstBatch.map((doc: Document) => doc.seq)).to.deep.equal([30]);
    } finally {
      congodb.QueryEngine.filter = filter;
    }
    // The second find's candidates are the 333 claimed documents: it filters until the tenth match.
    expect(filtered.documents, "documents filtered").to.be.below(100);
    const sorted = await routeCommand(indexed, {
      find: "claims",
      filter: { anchor: null },
      sort: { seq: -1 },
      limit: 2,
    });
    expect(sorted.cursor.firstBatch.map((doc: Document) => doc.seq)).to.deep.equal([1_000, 998]);
  });

  it("gives the same answers as a whole-collection read for any equality on indexed fields, and the store's scan for any filter", async () => {
    const pool = [new ObjectId(), new ObjectId(), new ObjectId()];
    let exactAnswers = 0;
    const scalar = fc.oneof(
      fc.constantFrom(null, undefined, "a", "b", 1, 2, true),
      fc.constantFrom(...pool),
      fc.constantFrom(new Date(0), new Date(1)),
    );
    const value = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 3 }),
      fc.record({ windowId: scalar, leafIndex: scalar }).map((doc) => ({ ...doc })),
      fc.record({ region: scalar }).map((doc) => ({ ...doc })),
      fc.array(
        fc.record({ region: scalar }).map((doc) => ({ ...doc })),
        { maxLength: 2 },
      ),
    );
    const field = fc.constantFrom("batchId", "anchor", "origin", "origin.region");
    // Conditions and values as the driver sends them: through BSON, where an undefined is a null.
    const wire = <T>(condition: T): T => deserialize(serialize({ condition })).condition as T;
    const condition = fc
      .oneof(
        value,
        value.map((v) => ({ $eq: v })),
        fc.array(scalar, { maxLength: 3 }).map((list) => ({ $in: list })),
      )
      .map(wire);
    // Not equalities: no index bounds them, the scan must still find every match.
    const other = fc
      .oneof(
        value.map((v) => ({ $ne: v })),
        fc.boolean().map((exists) => ({ $exists: exists })),
      )
      .map(wire);
    const step = fc.oneof(
      fc.record({ insert: fc.record({ batchId: value, anchor: value, origin: value }) }),
      fc.record({ field, set: value.map(wire), where: fc.tuple(field, condition) }),
      fc.record({ remove: fc.tuple(field, condition) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        field,
        condition,
        field,
        other,
        fc.boolean(),
        async (steps, name, probe, otherName, otherProbe, either) => {
          await routeCommand(plain, { delete: "things", deletes: [{ q: {}, limit: 0 }] });
          for (const item of steps) {
            if ("insert" in item) await storage.insertOne("db", "things", strip(item.insert));
            else if ("set" in item)
              await routeCommand(indexed, {
                update: "things",
                updates: [
                  {
                    q: { [item.where[0]]: item.where[1] },
                    u: { $set: { [item.field]: item.set } },
                    multi: true,
                  },
                ],
              });
            else
              await routeCommand(indexed, {
                delete: "things",
                deletes: [{ q: { [item.remove[0]]: item.remove[1] }, limit: 0 }],
              });
          }
          const filter = { [name]: probe };
          const expected = ids(await routeCommand(plain, { find: "things", filter, sort: { _id: 1 } }));
          expect(
            ids(await routeCommand(indexed, { find: "things", filter, sort: { _id: 1 } })),
          ).to.deep.equal(expected);
          // Where the indexes say they know exactly which documents match (raw finds skip the filter).
          for (const equality of [filter, { batchId: pool[0] }, { anchor: "a" }]) {
            const exact = storage.exactMatchIds("db", "things", equality);
            if (!exact) continue;
            exactAnswers++;
            const exactIds = [...exact];
            const matching = ids(
              await routeCommand(plain, { find: "things", filter: equality, sort: { _id: 1 } }),
            );
            expect([...exactIds].sort(), JSON.stringify(equality)).to.deep.equal(matching);
            expect(exactIds, "in the candidates' order").to.deep.equal([
              ...storage.candidateIds("db", "things", equality)!,
            ]);
          }
          const scanFilter = either
            ? { $or: [{ [name]: probe }, { [otherName]: otherProbe }] }
            : { [name]: probe, [otherName]: otherProbe };
          const scanExpected = ids(
            await routeCommand(plain, { find: "things", filter: scanFilter, sort: { _id: 1 } }),
          );
          expect(
            ids(await routeCommand(scanned, { find: "things", filter: scanFilter, sort: { _id: 1 } })),
          ).to.deep.equal(scanExpected);
          const firstTwo = ids(await routeCommand(plain, { find: "things", filter: scanFilter, limit: 2 }));
          expect(
            ids(await routeCommand(scanned, { find: "things", filter: scanFilter, limit: 2 })),
          ).to.deep.equal(firstTwo);
        },
      ),
      { numRuns: 150 },
    );
    expect(exactAnswers, "equalities the indexes answered exactly").to.be.greaterThan(50);
  });
});

/** Leaves out undefined fields (a missing field, as a driver would send it). */
function strip(doc: Record<string, unknown>): Document {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}

describe("embedded engine: declared index fields through mongoose", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-field-index-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  interface Lot {
    lot: string;
    n: number;
  }
  const schema = new Schema<Lot>({ lot: String, n: Number }, { versionKey: false });
  schema.index({ lot: 1 });

  async function withDatabase<T>(
    run: (model: mongoose.Model<Lot>) => Promise<T>,
    ending: "stop" | "kill" = "stop",
  ) {
    const server = await startEmbeddedMongo({ dir });
    const connection = await connectDatabase(server.uri, { embedded: true });
    try {
      const model = connection.model("Lot", schema);
      await model.init();
      return await run(model);
    } finally {
      await connection.close();
      if (ending === "kill") await stopAsIfKilled(server, dir);
      else await server.stop();
    }
  }

  it("finds by an indexed field what the journal replays after a kill and what the snapshot restores", async () => {
    await withDatabase(async (Lot) => {
      await Lot.create([
        { lot: "A", n: 1 },
        { lot: "B", n: 2 },
        { lot: "A", n: 3 },
      ]);
      await Lot.updateOne({ n: 3 }, { $set: { lot: "B" } });
      await Lot.deleteOne({ n: 2 });
    }, "kill");
    const replayed = await withDatabase((Lot) => Lot.find({ lot: "B" }).lean());
    const restored = await withDatabase((Lot) =>
      Lot.find({ lot: { $in: ["A", "B"] } })
        .sort({ n: 1 })
        .lean(),
    );
    expect(replayed.map((doc) => doc.n)).to.deep.equal([3]);
    expect(restored.map((doc) => [doc.lot, doc.n])).to.deep.equal([
      ["A", 1],
      ["B", 3],
    ]);
  });
});
