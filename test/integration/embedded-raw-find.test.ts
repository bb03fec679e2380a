import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { congodb } from "@push.rocks/smartmongo";
import { installIdLookup } from "../../server/platform/mongo/embedded/id-lookup";
import { JournaledStorage } from "../../server/platform/mongo/embedded/journaled-storage";
import { installRawReplies, rawFind, RawReply } from "../../server/platform/mongo/embedded/raw-find";
import { declareIndexes, routeCommand } from "../helpers/congo-command";

const { ObjectId, Double, Long, EJSON, serialize, deserialize } = congodb.plugins.bson;
type Document = congodb.plugins.bson.Document;

describe("embedded engine: finds answered from the stored bytes (raw-find.ts)", () => {
  let dir: string;
  let storage: JournaledStorage;
  /** CongoDB's own handlers over the same store: the answers a raw find must give. */
  let reference: congodb.CommandRouter;
  let fast: congodb.CommandRouter;
  const batches = [new ObjectId(), new ObjectId(), new ObjectId()];
  const stored: Document[] = [];
  const route = (router: congodb.CommandRouter, command: Record<string, unknown>) =>
    routeCommand(router, command) as Promise<Document | RawReply>;
  /** A reply as the driver reads it: types as BSON carries them, keys in their order. */
  const asRead = (reply: Document | RawReply) =>
    EJSON.stringify(deserialize(reply instanceof RawReply ? reply.body : serialize(reply)), {
      relaxed: true,
    });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-raw-find-"));
    storage = new JournaledStorage(dir);
    await storage.initialize();
    reference = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
    fast = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
    installIdLookup(
      fast,
      (db, coll, filter) => storage.candidates(db, coll, filter),
      (db, coll, filter, wanted) => storage.matching(db, coll, filter, wanted),
      (context) => rawFind(storage, context),
    );
    await declareIndexes(storage, "events", [{ key: { batchId: 1, seq: 1 }, name: "batchId_1_seq_1" }]);
    for (let seq = 1; seq <= 30; seq++) {
      const doc: Document = {
        _id: new ObjectId(),
        batchId: batches[seq % 3],
        seq,
        hash: `0x${seq.toString(16).padStart(64, "0")}`,
        body: { type: seq % 4 === 0 ? "recalling" : "observation", data: { value: new Double(seq / 2) } },
        ...(seq % 5 === 0 ? {} : { anchor: { windowId: new ObjectId(), leafIndex: Long.fromNumber(seq) } }),
        at: new Date(Date.UTC(2026, 0, seq)),
        note: seq % 7 === 0 ? null : `第${seq}批 ✓`,
        tags: [seq % 2, "t"],
      };
      stored.push(doc);
      await storage.insertOne("db", "events", doc);
    }
  });

  after(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers what CongoDB's handler answers, byte for byte as the driver reads it, for the finds it takes", async () => {
    const someIds = [stored[7]._id, stored[2]._id, stored[7]._id, new ObjectId()];
    const commands: Record<string, unknown>[] = [
      { find: "events", filter: {} },
      { find: "events" },
      { find: "events", filter: { _id: { $in: someIds } } },
      { find: "events", filter: { _id: stored[4]._id }, limit: 1, singleBatch: true },
      { find: "events", filter: { batchId: batches[1] } },
      {
        find: "events",
        filter: { batchId: { $in: [batches[0], batches[2]] } },
        projection: { seq: 1, body: 1 },
      },
      { find: "events", filter: { batchId: batches[2] }, projection: { _id: 0, hash: 1, seq: true } },
      {
        find: "events",
        filter: { batchId: batches[0], seq: { $gt: 10 } },
        projection: { anchor: 1, seq: 1 },
      },
      { find: "events", filter: { "body.type": "recalling" }, limit: 2 },
      { find: "events", filter: { $or: [{ seq: 3 }, { note: null }] }, projection: { note: 1 } },
      { find: "events", filter: { anchor: { $exists: false } } },
      { find: "events", filter: { tags: 1 }, batchSize: 4, singleBatch: true },
      {
        find: "events",
        filter: { at: { $gte: new Date(Date.UTC(2026, 0, 25)) } },
        lsid: { id: "x" },
        $db: "db",
      },
      { find: "events", filter: { seq: 999 } },
    ];
    for (const command of commands) {
      const answer = await route(fast, command);
      expect(answer, JSON.stringify(command)).to.be.instanceOf(RawReply);
      expect(asRead(answer), JSON.stringify(command)).to.equal(asRead(await route(reference, command)));
    }
  });

  it("leaves to the handler what only it answers: sort, skip, exclusions, dotted projections, $expr, a cursor, a missing collection", async () => {
    const commands: Record<string, unknown>[] = [
      { find: "events", filter: {}, sort: { seq: -1 } },
      { find: "events", filter: {}, skip: 3 },
      { find: "events", filter: {}, projection: { body: 0 } },
      { find: "events", filter: {}, projection: { "body.type": 1 } },
      { find: "events", filter: { $expr: { $gt: ["$seq", 20] } } },
      { find: "events", filter: {}, batchSize: 5 },
      { find: "events", filter: {}, limit: -2 },
      { find: "nothing", filter: {} },
    ];
    for (const command of commands) {
      const answer = await route(fast, command);
      expect(answer, JSON.stringify(command)).to.not.be.instanceOf(RawReply);
      expect(asRead(answer), JSON.stringify(command)).to.equal(asRead(await route(reference, command)));
    }
  });

  it("agrees with the handler on generated filters, projections and limits", async () => {
    const field = fc.constantFrom("seq", "batchId", "note", "body", "anchor", "tags", "hash", "missing");
    const condition = fc.oneof(
      fc.record({ seq: fc.integer({ min: 0, max: 31 }) }),
      fc.record({ seq: fc.record({ $lte: fc.integer({ min: 0, max: 31 }) }) }),
      fc.record({ batchId: fc.constantFrom(...batches) }),
      fc.record({ batchId: fc.record({ $in: fc.subarray(batches) }) }),
      fc.record({ "body.type": fc.constantFrom("recalling", "observation") }),
      fc.record({ note: fc.constantFrom(null, "第3批 ✓") }),
      fc.record({ anchor: fc.record({ $exists: fc.boolean() }) }),
    );
    const command = fc.record(
      {
        filter: fc.oneof(
          condition,
          fc.tuple(condition, condition).map(([a, b]) => ({ $or: [a, b] })),
          fc.tuple(condition, condition).map(([a, b]) => ({ ...a, ...b })),
        ),
        projection: fc.uniqueArray(field, { maxLength: 4 }).chain((fields) =>
          fc.constantFrom(Object.fromEntries(fields.map((name) => [name, 1])), {
            ...Object.fromEntries(fields.map((name) => [name, 1])),
            _id: 0,
          }),
        ),
        limit: fc.integer({ min: 0, max: 12 }),
        singleBatch: fc.boolean(),
      },
      { requiredKeys: ["filter"] },
    );
    let raw = 0;
    await fc.assert(
      fc.asyncProperty(command, async (parts) => {
        const find = { find: "events", ...parts };
        const answer = await route(fast, find);
        if (answer instanceof RawReply) raw++;
        expect(asRead(answer), JSON.stringify(find)).to.equal(asRead(await route(reference, find)));
      }),
      { numRuns: 300 },
    );
    expect(raw, "finds the raw path took").to.be.greaterThan(150);
  });

  it("frames a raw reply as an OP_MSG the driver reads, and as a legacy OP_REPLY through CongoDB's encoder", () => {
    installRawReplies();
    const reply = RawReply.of(serialize({ ok: 1, n: 3 }));
    const message = congodb.WireProtocol.encodeOpMsgResponse(7, reply as unknown as Document, 9);
    expect(message.readInt32LE(0)).to.equal(message.length);
    expect([message.readInt32LE(4), message.readInt32LE(8), message.readInt32LE(12)]).to.deep.equal([
      9, 7, 2013,
    ]);
    expect(deserialize(message.subarray(21))).to.deep.equal({ ok: 1, n: 3 });
    // Framed in place: the body is written once, after room for the header, and never copied.
    expect(message.buffer).to.equal(reply.body.buffer);
    expect(reply.body.byteOffset).to.equal(message.byteOffset + 21);
    const legacy = congodb.WireProtocol.encodeOpReplyResponse(7, [reply as unknown as Document], 9);
    expect(deserialize(legacy.subarray(36))).to.deep.equal({ ok: 1, n: 3 });
  });
});
