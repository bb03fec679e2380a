import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import mongoose, { Schema } from "mongoose";
import { congodb } from "@push.rocks/smartmongo";
import { connectDatabase } from "../../server/platform/mongo/database";
import { startEmbeddedMongo } from "../../server/platform/mongo/embedded/embedded-mongo";
import { idCandidates, installIdLookup } from "../../server/platform/mongo/embedded/id-lookup";
import { stopAsIfKilled } from "../helpers/killed-database";
import { routeCommand } from "../helpers/congo-command";

const { ObjectId } = congodb.plugins.bson;

describe("embedded engine: _id lookup path", () => {
  describe("idCandidates", () => {
    const a = new ObjectId();
    const b = new ObjectId();

    it("reads an ObjectId equality, $eq and $in on _id, alongside other conditions", () => {
      expect(idCandidates({ _id: a, "head.seq": 3 })).to.deep.equal([a]);
      expect(idCandidates({ _id: { $eq: a } })).to.deep.equal([a]);
      expect(idCandidates({ _id: { $in: [a, b] }, status: "active" })).to.deep.equal([a, b]);
    });

    it("says nothing for filters that do not pin _id to ObjectIds", () => {
      expect(idCandidates({})).to.equal(undefined);
      expect(idCandidates({ name: "a" })).to.equal(undefined);
      expect(idCandidates({ _id: { $ne: a } })).to.equal(undefined);
      expect(idCandidates({ _id: { $gt: a } })).to.equal(undefined);
      expect(idCandidates({ _id: a.toHexString() })).to.equal(undefined);
      expect(idCandidates({ _id: { $in: [a, "x"] } })).to.equal(undefined);
      expect(idCandidates({ $or: [{ _id: a }, { name: "a" }] })).to.equal(undefined);
    });
  });

  describe("command router", () => {
    /** A store that counts whole-collection reads of `things`. */
    class CountingStorage extends congodb.MemoryStorageAdapter {
      scans = 0;
      override async findAll(db: string, coll: string) {
        if (coll === "things") this.scans++;
        return super.findAll(db, coll);
      }
    }

    let storage: CountingStorage;
    let router: congodb.CommandRouter;
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
    const route = (command: Record<string, unknown>) => routeCommand(router, command);

    beforeEach(async () => {
      storage = new CountingStorage();
      router = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
      installIdLookup(router);
      for (const [index, _id] of ids.entries()) await storage.insertOne("db", "things", { _id, n: index });
      storage.scans = 0;
    });

    it("answers find, count and distinct by _id without reading the whole collection", async () => {
      const found = await route({ find: "things", filter: { _id: ids[1] } });
      expect(found.cursor.firstBatch.map((doc: { n: number }) => doc.n)).to.deep.equal([1]);
      expect((await route({ count: "things", query: { _id: { $in: [ids[0], ids[2]] } } })).n).to.equal(2);
      expect((await route({ distinct: "things", key: "n", query: { _id: ids[2] } })).values).to.deep.equal([
        2,
      ]);
      expect(storage.scans).to.equal(0);
    });

    it("answers update, findAndModify and delete by _id without reading the whole collection", async () => {
      const updated = await route({
        update: "things",
        updates: [{ q: { _id: ids[0], n: 0 }, u: { $set: { n: 10 } } }],
      });
      expect(updated.nModified).to.equal(1);
      const modified = await route({
        findAndModify: "things",
        query: { _id: ids[1] },
        update: { $inc: { n: 5 } },
        new: true,
      });
      expect(modified.value.n).to.equal(6);
      expect((await route({ delete: "things", deletes: [{ q: { _id: ids[2] }, limit: 1 }] })).n).to.equal(1);
      expect(storage.scans).to.equal(0);
      expect((await storage.findById("db", "things", ids[0]))?.n).to.equal(10);
      expect(await storage.findById("db", "things", ids[2])).to.equal(null);
    });

    it("still reads the whole collection when the filter does not pin _id", async () => {
      const found = await route({ find: "things", filter: { n: 2 } });
      expect(found.cursor.firstBatch.map((doc: { _id: unknown }) => doc._id)).to.deep.equal([ids[2]]);
      expect(storage.scans).to.equal(1);
    });

    it("answers each statement of a several-statement update or delete on its own", async () => {
      const updated = await route({
        update: "things",
        updates: [
          { q: { _id: ids[0] }, u: { $set: { n: 7 } } },
          { q: { n: 1 }, u: { $set: { n: 8 } } },
          { q: { _id: ids[2] }, u: { $set: { n: 9 } } },
        ],
        ordered: false,
      });
      expect(updated.nModified).to.equal(3);
      const deleted = await route({
        delete: "things",
        deletes: [
          { q: { _id: ids[0] }, limit: 1 },
          { q: { _id: ids[2] }, limit: 1 },
        ],
      });
      expect(deleted.n).to.equal(2);
      expect(storage.scans).to.equal(1); // only the statement that does not pin _id
      expect((await storage.findAll("db", "things")).map((doc) => doc.n)).to.deep.equal([8]);
    });
  });

  describe("through mongoose on the journaled engine", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-id-lookup-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    interface Counter {
      name: string;
      seq: number;
    }
    const schema = new Schema<Counter>({ name: String, seq: Number }, { versionKey: false });

    async function withDatabase<T>(
      run: (model: mongoose.Model<Counter>) => Promise<T>,
      ending: "stop" | "kill" = "stop",
    ): Promise<T> {
      const server = await startEmbeddedMongo({ dir });
      const connection = await connectDatabase(server.uri, { embedded: true });
      try {
        return await run(connection.model("Counter", schema));
      } finally {
        await connection.close();
        if (ending === "kill") await stopAsIfKilled(server, dir);
        else await server.stop();
      }
    }

    it("finds the current version by _id after updates and deletes", async () => {
      await withDatabase(async (Counter) => {
        const [a, b, c] = await Counter.create([
          { name: "a", seq: 0 },
          { name: "b", seq: 0 },
          { name: "c", seq: 0 },
        ]);
        await Counter.updateOne({ _id: a._id }, { $set: { seq: 1 } });
        await Counter.updateOne({ name: "b" }, { $set: { seq: 2 } });
        await Counter.deleteOne({ _id: c._id });
        expect((await Counter.findById(a._id).lean())?.seq).to.equal(1);
        expect((await Counter.findOne({ _id: b._id }).lean())?.seq).to.equal(2);
        expect(await Counter.findById(c._id).lean()).to.equal(null);
        const listed = await Counter.find({ _id: { $in: [c._id, b._id, a._id] } }).lean();
        expect(listed.map((doc) => doc.name)).to.deep.equal(["a", "b"]);
        expect(await Counter.countDocuments({ _id: { $ne: a._id } })).to.equal(1);
      });
    });

    it("refuses a compare-and-set by _id whose other condition no longer holds", async () => {
      await withDatabase(async (Counter) => {
        const { _id } = await Counter.create({ name: "head", seq: 1 });
        const stale = await Counter.updateOne({ _id, seq: 0 }, { $set: { seq: 1 } });
        const fresh = await Counter.updateOne({ _id, seq: 1 }, { $set: { seq: 2 } });
        expect([stale.modifiedCount, fresh.modifiedCount]).to.deep.equal([0, 1]);
        expect(await Counter.findOneAndUpdate({ _id, seq: 1 }, { $set: { seq: 3 } })).to.equal(null);
      });
    });

    it("upserts by _id once, then updates the document it inserted", async () => {
      await withDatabase(async (Counter) => {
        const _id = new mongoose.Types.ObjectId();
        const first = await Counter.updateOne(
          { _id },
          { $setOnInsert: { name: "x", seq: 1 } },
          { upsert: true },
        );
        const second = await Counter.updateOne(
          { _id },
          { $setOnInsert: { name: "y", seq: 9 } },
          { upsert: true },
        );
        expect([first.upsertedCount, second.upsertedCount]).to.deep.equal([1, 0]);
        expect(await Counter.find({ _id }).lean()).to.have.length(1);
        expect((await Counter.findById(_id).lean())?.name).to.equal("x");
      });
    });

    it("finds by _id what the journal replays after a kill and what the snapshot restores", async () => {
      const ids = await withDatabase(async (Counter) => {
        const [a, b] = await Counter.create([
          { name: "a", seq: 0 },
          { name: "b", seq: 0 },
        ]);
        await Counter.updateOne({ _id: a._id }, { $set: { seq: 5 } });
        await Counter.deleteOne({ _id: b._id });
        return [a._id, b._id];
      }, "kill"); // only the journal holds the writes
      const replayed = await withDatabase(async (Counter) => {
        const found = [await Counter.findById(ids[0]).lean(), await Counter.findById(ids[1]).lean()];
        await Counter.updateOne({ _id: ids[0], seq: 5 }, { $set: { seq: 6 } });
        return found;
      }); // clean stop: snapshot written
      const restored = await withDatabase((Counter) => Counter.findById(ids[0]).lean());
      expect(replayed.map((doc) => doc?.seq ?? null)).to.deep.equal([5, null]);
      expect(restored?.seq).to.equal(6);
    });

    it("gives 50 concurrent compare-and-set appenders on one _id the sequence numbers 1..50", async () => {
      const seqs = await withDatabase(async (Counter) => {
        const { _id } = await Counter.create({ name: "head", seq: 0 });
        const append = async (): Promise<number> => {
          for (;;) {
            const { seq } = (await Counter.findById(_id).lean())!;
            const committed = await Counter.updateOne({ _id, seq }, { $set: { seq: seq + 1 } });
            if (committed.modifiedCount === 1) return seq + 1;
          }
        };
        return Promise.all(Array.from({ length: 50 }, append));
      });
      expect([...seqs].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    });
  });
});
