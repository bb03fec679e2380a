import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import mongoose, { Schema } from "mongoose";
import { startEmbeddedMongo } from "../../server/platform/mongo/embedded/embedded-mongo";
import { connectDatabase } from "../../server/platform/mongo/database";
import type { Logger } from "../../server/platform/logger";
import { waitFor } from "../helpers/anchoring";
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

  describe("its thread", () => {
    it("runs the engine off the caller's thread", async () => {
      const server = await startEmbeddedMongo({ dir });
      try {
        expect(server.thread.threadId).to.be.above(0);
      } finally {
        await server.stop();
      }
    });

    it("is started again on the same port when it dies, logged, with every acknowledged write", async function () {
      this.timeout(60_000);
      const logged: string[] = [];
      const logger = {
        error: (_fields: unknown, message: string) => logged.push(message),
        warn: (_fields: unknown, message: string) => logged.push(message),
      } as unknown as Logger;
      const server = await startEmbeddedMongo({ dir, logger });
      const connection = await connectDatabase(server.uri, { embedded: true });
      try {
        const Thing = connection.model("Thing", schema);
        await Thing.create({ name: "before", n: 1 });
        const dead = server.thread;
        await dead.terminate(); // as if the engine had crashed
        await waitFor("the restarted engine to answer", async () => {
          try {
            return (await Thing.countDocuments({ name: "before" })) === 1;
          } catch {
            return false; // the driver reconnects on its own
          }
        });
        expect(server.thread).to.not.equal(dead);
        expect(logged).to.include.members([
          "embedded database thread died; restarting it",
          "embedded database thread restarted",
        ]);
        await Thing.create({ name: "after", n: 2 });
        expect(await Thing.countDocuments()).to.equal(2);
      } finally {
        await connection.close();
        await server.stop();
      }
    });
  });
});
