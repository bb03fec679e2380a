import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import mongoose, { Schema } from "mongoose";
import { startEmbeddedMongo } from "../../server/platform/mongo/embedded/embedded-mongo";
import { stopAsIfKilled } from "../helpers/killed-database";

describe("embedded MongoDB-wire server", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-embedded-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  interface Thing {
    name?: string;
    at?: Date;
    ref?: mongoose.Types.ObjectId;
    n?: number;
  }

  const schema = new Schema<Thing>(
    { name: String, at: Date, ref: Schema.Types.ObjectId, n: Number },
    { versionKey: false },
  );

  async function withDatabase<T>(
    run: (model: mongoose.Model<Thing>) => Promise<T>,
    ending: "stop" | "kill" = "stop",
  ): Promise<T> {
    const server = await startEmbeddedMongo({ dir });
    const connection = await mongoose.createConnection(server.uri).asPromise();
    try {
      return await run(connection.model("Thing", schema));
    } finally {
      await connection.close();
      if (ending === "kill") await stopAsIfKilled(server, dir);
      else await server.stop();
    }
  }

  it("keeps documents with their types across a clean restart", async () => {
    const at = new Date("2026-04-12T00:00:00.000Z");
    const ref = new mongoose.Types.ObjectId();
    await withDatabase(async (Thing) => {
      await Thing.create({ name: "安吉白茶", at, ref, n: 1.5 });
    });
    const [restored] = await withDatabase((Thing) => Thing.find().lean());
    expect(restored.name).to.equal("安吉白茶");
    expect(restored.at).to.be.instanceOf(Date).and.deep.equal(at);
    expect(String(restored.ref)).to.equal(String(ref));
    expect(restored.n).to.equal(1.5);
  });

  it("keeps every acknowledged write when the process dies without shutting down", async () => {
    await withDatabase(async (Thing) => {
      await Thing.create([
        { name: "a", n: 1 },
        { name: "b", n: 2 },
      ]);
      await Thing.updateOne({ name: "a" }, { $inc: { n: 10 } });
      await Thing.deleteOne({ name: "b" });
    }, "kill"); // no snapshot is written, only the journal holds the writes
    const restored = await withDatabase((Thing) => Thing.find().lean());
    expect(restored.map((doc) => [doc.name, doc.n])).to.deep.equal([["a", 11]]);
  });

  it("ignores a torn last journal line and keeps everything before it", async () => {
    await withDatabase((Thing) => Thing.create({ name: "kept", n: 1 }), "kill");
    fs.appendFileSync(path.join(dir, "mongo", "journal.ejson"), '{"op":"put","db":"ecotrace","coll":"th');
    const restored = await withDatabase((Thing) => Thing.find().lean());
    expect(restored.map((doc) => doc.name)).to.deep.equal(["kept"]);
  });

  it("supports conditional updates as an atomic compare-and-set", async () => {
    const results = await withDatabase(async (Thing) => {
      await Thing.create({ name: "head", n: 0 });
      return Promise.all(
        Array.from({ length: 20 }, () => Thing.findOneAndUpdate({ name: "head", n: 0 }, { $set: { n: 1 } })),
      );
    });
    expect(results.filter((result) => result !== null)).to.have.length(1);
  });
});
