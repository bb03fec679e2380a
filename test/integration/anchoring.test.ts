import { expect } from "chai";
import type { Types } from "mongoose";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { verifyMerkleProof } from "../../server/platform/crypto/merkle";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { anchoringBacklog } from "../../server/modules/anchoring/backlog";
import { WindowStore } from "../../server/modules/anchoring/data/window-store";
import { createApp } from "../../server/main/app";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { createLogger } from "../../server/platform/logger";
import {
  assertAnchoredExactlyOnce,
  recordEvents,
  startWorker,
  waitFor,
  waitUntilAllAnchored,
} from "../helpers/anchoring";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("anchoring API", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  let otherProducer: TestOrg;
  let worker: AnchorWorker | undefined;

  before(async () => {
    env = await testEnv();
  });
  beforeEach(async () => {
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    otherProducer = await createOrg(server, "五常大米合作社", ["producer"]);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await server.close();
  });

  /** A test server whose app knows the worker, as `npm start` wires it. */
  async function serverWithWorker(): Promise<TestServer> {
    await server.close();
    worker = startWorker(env.runtime.connection, env.runtime.chain, { intervalMs: 60_000 });
    const app = createApp({
      config: env.config,
      logger: createLogger("silent"),
      ...env.runtime,
      anchorWorker: worker,
    });
    const listening = await new Promise<import("node:http").Server>((resolve) => {
      const started = app.listen(0, "127.0.0.1", () => resolve(started));
    });
    const { port } = listening.address() as import("node:net").AddressInfo;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      adminKey: server.adminKey,
      close: () => new Promise((resolve) => listening.close(() => resolve())),
    };
  }

  const proofOf = (key: string) => (eventId: string) =>
    http(server.baseUrl, "GET", `/api/events/${eventId}/proof`, { key });

  describe("POST /api/anchors/run?wait=true", () => {
    it("anchors every pending event in one window and answers with the confirmed transaction", async () => {
      server = await serverWithWorker();
      const batch = await createBatch(server, producer);
      const eventIds = [batch.event.id, ...(await recordEvents(server, producer, batch.id, 7))];

      const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
      expect(run.status, run.text).to.equal(200);
      expect(run.body).to.include({ status: "confirmed", leafCount: eventIds.length });
      expect(run.body.root).to.match(/^0x[0-9a-f]{64}$/);
      expect(run.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const anchor = await env.runtime.chain.registry.anchorOf(run.body.root);
      expect(Number(anchor.blockNumber)).to.equal(run.body.blockNumber);
      expect(Number(anchor.leafCount)).to.equal(eventIds.length);

      await waitUntilAllAnchored(env.runtime.connection);
      const { windows } = await assertAnchoredExactlyOnce(
        env.runtime.connection,
        env.runtime.chain,
        proofOf(server.adminKey),
      );
      expect(windows).to.have.length(1);
    });

    it("answers idle when nothing is pending, and 202 without wait", async () => {
      server = await serverWithWorker();
      const idle = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
      expect(idle.status).to.equal(200);
      expect(idle.body).to.deep.include({ status: "idle", leafCount: 0, root: null, pending: 0 });

      const batch = await createBatch(server, producer);
      const requested = await http(server.baseUrl, "POST", "/api/anchors/run", { key: server.adminKey });
      expect(requested.status).to.equal(202);
      expect(requested.body).to.include({ status: "requested", pending: 1 });
      await waitFor("the requested window", async () => {
        const proof = await proofOf(producer.key)(batch.event.id);
        return proof.status === 200;
      });
    });

    it("is for admins only and validates wait", async () => {
      const forbidden = await http(server.baseUrl, "POST", "/api/anchors/run", { key: producer.key });
      expect(forbidden.status).to.equal(403);
      const invalid = await http(server.baseUrl, "POST", "/api/anchors/run?wait=yes", {
        key: server.adminKey,
      });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details).to.deep.equal([
        { field: "query.wait", problem: 'must be one of "true", "false"' },
      ]);
    });
  });

  describe("window triggers", () => {
    it("anchors a full window of ANCHOR_MAX_LEAVES events at once, oldest first, without waiting for the period", async () => {
      const batch = await createBatch(server, producer);
      const ids = [batch.event.id, ...(await recordEvents(server, producer, batch.id, 11))];
      worker = startWorker(env.runtime.connection, env.runtime.chain, { intervalMs: 600_000, maxLeaves: 5 });
      const full = await waitFor("two full windows", async () => {
        const windows = await anchorWindowModel(env.runtime.connection)
          .find({ state: "completed" })
          .sort({ _id: 1 })
          .lean();
        return windows.length >= 2 ? windows : undefined;
      });
      expect(full.map((window) => window.leafCount)).to.deep.equal([5, 5]);
      const health = await http(server.baseUrl, "GET", "/healthz");
      expect(health.body.anchoring.pending, "the rest waits for the period").to.equal(2);
      const anchoredFirst = await Promise.all(ids.slice(0, 10).map((id) => proofOf(producer.key)(id)));
      expect(anchoredFirst.map((response) => response.status)).to.deep.equal(Array(10).fill(200));
      expect((await proofOf(producer.key)(ids[11])).status).to.equal(409);
    });
  });

  describe("POST /api/anchors/run while a window is still claiming", () => {
    it("asks for a run instead of answering idle: the claimed events are not anchored yet", async () => {
      const batch = await createBatch(server, producer);
      await recordEvents(server, producer, batch.id, 3);
      const store = new WindowStore(env.runtime.connection);
      const windowId = await store.open({ holder: "test", leaseToken: 1, chainId: 1, registry: "0x0" });
      expect(await store.claim(windowId, 10)).to.have.length(4);
      const run = await http(server.baseUrl, "POST", "/api/anchors/run", { key: server.adminKey });
      expect(run.body.status, run.text).to.equal("requested");
      expect(run.body.pending).to.equal(4);
    });
  });

  describe("backlog", () => {
    it("counts the events of a window that is still claiming as pending", async () => {
      const batch = await createBatch(server, producer);
      await recordEvents(server, producer, batch.id, 3);
      const store = new WindowStore(env.runtime.connection);
      const windowId = await store.open({ holder: "test", leaseToken: 1, chainId: 1, registry: "0x0" });
      expect(await store.claim(windowId, 10)).to.have.length(4);
      expect((await anchoringBacklog(env.runtime.connection)).pending).to.equal(4);
      const health = await http(server.baseUrl, "GET", "/healthz");
      expect(health.body.anchoring.pending).to.equal(4);
    });

    it("is counted from the windows' running total, reading one event at most however many wait", async () => {
      server = await serverWithWorker();
      const batch = await createBatch(server, producer);
      await recordEvents(server, producer, batch.id, 4);
      const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
      expect(run.status, run.text).to.equal(200);
      await recordEvents(server, producer, batch.id, 6);
      const [window] = (await anchorWindowModel(env.runtime.connection)
        .collection.find({ root: { $ne: null } })
        .toArray()) as unknown as AnchorWindowDoc[];
      expect(window.recordedThrough, "the window keeps the running total").to.equal(5);

      // Every read of the events collection the count makes, by method.
      const events = traceEventModel(env.runtime.connection).collection as unknown as Record<
        string,
        (...args: unknown[]) => unknown
      >;
      const reads: string[] = [];
      const originals = new Map<string, (...args: unknown[]) => unknown>();
      for (const method of ["find", "findOne", "countDocuments", "aggregate", "estimatedDocumentCount"]) {
        const original = events[method];
        originals.set(method, original);
        events[method] = function (this: unknown, ...args: unknown[]) {
          reads.push(method);
          return original.apply(this, args);
        };
      }
      try {
        expect((await anchoringBacklog(env.runtime.connection)).pending).to.equal(6);
      } finally {
        for (const [method, original] of originals) events[method] = original;
      }
      // The stored-event count from metadata, and the oldest unclaimed event: no count of pending events.
      expect(reads.sort()).to.deep.equal(["estimatedDocumentCount", "find"]);
    });
  });

  describe("WindowStore.claim", () => {
    it("claims the oldest events in several commands, each once against a concurrent claimer", async () => {
      const batch = await createBatch(server, producer);
      const bulk = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events/bulk`, {
        key: producer.key,
        json: {
          events: Array.from({ length: 449 }, (_, index) => ({
            type: "observation",
            eventTime: "2026-04-13T08:00:00+08:00",
            data: { reading: index },
          })),
        },
      });
      expect(bulk.status, bulk.text).to.equal(201);
      const store = new WindowStore(env.runtime.connection);
      const open = () => store.open({ holder: "test", leaseToken: 1, chainId: 1, registry: "0x0" });
      const [first, second] = await Promise.all([open(), open()]);
      const [a, b] = await Promise.all([store.claim(first, 420), store.claim(second, 420)]);
      // Each claimer reads at most 420 events; how many of them it wins depends on how the two
      // interleave, so together they claim between 420 and all 450 pending events.
      expect(a.length).to.be.at.most(420);
      expect(b.length).to.be.at.most(420);
      const oldest = [...a, ...b].map((event) => event._id.toHexString());
      expect(oldest.length).to.be.within(420, 450);
      expect(new Set(oldest).size, "no event claimed twice").to.equal(oldest.length);
      const rest = (await store.claim(await open(), 100)).map((event) => event._id.toHexString());
      expect(rest).to.have.length(450 - oldest.length);
      expect(
        oldest.every((id) => rest.every((later) => id < later)),
        "oldest first",
      ).to.equal(true);
      const third = await open();
      expect(await store.claim(third, 10)).to.deep.equal([]);
    });

    it("returns only the events it claimed when another claimer took some between its read and its claim", async () => {
      const batch = await createBatch(server, producer);
      await recordEvents(server, producer, batch.id, 5);
      const store = new WindowStore(env.runtime.connection);
      const open = () => store.open({ holder: "test", leaseToken: 1, chainId: 1, registry: "0x0" });
      const [ours, theirs] = await Promise.all([open(), open()]);
      // Every other event is claimed by the other window just before this claimer's write.
      const events = traceEventModel(env.runtime.connection).collection as unknown as {
        bulkWrite: (...args: unknown[]) => Promise<unknown>;
      };
      const bulkWrite = events.bulkWrite;
      let taken: string[] = [];
      events.bulkWrite = async (...args: unknown[]) => {
        events.bulkWrite = bulkWrite;
        const ids = (args[0] as { updateOne: { filter: { _id: Types.ObjectId } } }[])
          .map((write) => write.updateOne.filter._id)
          .filter((_id, index) => index % 2 === 1);
        await traceEventModel(env.runtime.connection).collection.updateMany(
          { _id: { $in: ids } },
          { $set: { anchor: { windowId: theirs, root: null, leafIndex: null } } },
        );
        taken = ids.map(String);
        return bulkWrite.apply(events, args);
      };
      try {
        const claimed = (await store.claim(ours, 10)).map((event) => String(event._id));
        expect(taken).to.have.length(3);
        expect(claimed).to.have.length(3);
        expect(
          claimed.some((id) => taken.includes(id)),
          "none of the events taken meanwhile",
        ).to.equal(false);
        const marked = await traceEventModel(env.runtime.connection)
          .collection.find({ "anchor.windowId": ours }, { projection: { _id: 1 } })
          .toArray();
        expect(marked.map((event) => String(event._id)).sort()).to.deep.equal([...claimed].sort());
      } finally {
        events.bulkWrite = bulkWrite;
      }
    });
  });

  describe("GET /api/events/:id/proof", () => {
    it("is 409 ANCHOR_PENDING until the event's window is confirmed, then a proof the registry accepts", async () => {
      const batch = await createBatch(server, producer);
      const pending = await proofOf(producer.key)(batch.event.id);
      expect(pending.status).to.equal(409);
      expect(pending.body.error.code).to.equal("ANCHOR_PENDING");

      worker = startWorker(env.runtime.connection, env.runtime.chain);
      await waitUntilAllAnchored(env.runtime.connection);
      const proof = await proofOf(producer.key)(batch.event.id);
      expect(proof.status, proof.text).to.equal(200);
      expect(proof.body).to.include({
        eventHash: batch.event.hash,
        leafIndex: 0,
        chainId: Number(env.runtime.chain.chainId),
        registry: env.runtime.chain.registryAddress,
      });
      expect(proof.body.proof).to.deep.equal([]); // a one-leaf tree: the leaf is the root
      expect(proof.body.leaf).to.equal(proof.body.root);
      expect(
        await env.runtime.chain.registry.verifyLeaf(proof.body.root, proof.body.proof, proof.body.leaf),
      ).to.equal(true);
    });

    it("gives every event of a many-leaf window a proof that verifies, off chain and on chain", async () => {
      const batches = [await createBatch(server, producer), await createBatch(server, otherProducer)];
      await recordEvents(server, producer, batches[0].id, 20);
      await recordEvents(server, otherProducer, batches[1].id, 12);
      worker = startWorker(env.runtime.connection, env.runtime.chain);
      await waitUntilAllAnchored(env.runtime.connection);
      const { windows, events } = await assertAnchoredExactlyOnce(
        env.runtime.connection,
        env.runtime.chain,
        proofOf(server.adminKey),
      );
      expect(events).to.have.length(34);
      expect(windows.map((window) => window.leafCount)).to.deep.equal([34]);

      const proof = await proofOf(producer.key)(events[5]._id.toHexString());
      expect(proof.body.proof.length).to.be.at.least(5);
      const tampered = `0x${"1".repeat(64)}` as const;
      expect(verifyMerkleProof(proof.body.root, tampered, proof.body.proof)).to.equal(false);
      expect(
        await env.runtime.chain.registry.verifyLeaf(proof.body.root, proof.body.proof, tampered),
      ).to.equal(false);
    });

    it("applies the batch's tenancy rules and names unknown events", async () => {
      const batch = await createBatch(server, producer);
      const foreign = await proofOf(otherProducer.key)(batch.event.id);
      expect(foreign.status).to.equal(404);
      const auditor = await createOrg(server, "审计署", ["auditor"]);
      expect((await proofOf(auditor.key)(batch.event.id)).status).to.equal(409);
      const unknown = await proofOf(producer.key)("0123456789abcdef01234567");
      expect(unknown.status).to.equal(404);
      const malformed = await proofOf(producer.key)("not-an-id");
      expect(malformed.status).to.equal(400);
    });
  });

  describe("GET /api/anchors", () => {
    it("lists windows newest first with state, counts, gas and fee, page by page", async () => {
      server = await serverWithWorker();
      const batch = await createBatch(server, producer);
      for (const count of [2, 3, 4]) {
        await recordEvents(server, producer, batch.id, count);
        const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", {
          key: server.adminKey,
        });
        expect(run.status, run.text).to.equal(200);
      }
      const first = await http(server.baseUrl, "GET", "/api/anchors?limit=2", { key: server.adminKey });
      expect(first.status, first.text).to.equal(200);
      expect(first.body.items.map((item: { leafCount: number }) => item.leafCount)).to.deep.equal([4, 3]);
      const [newest] = first.body.items;
      expect(newest.state).to.be.oneOf(["confirmed", "completed"]);
      expect(newest.gasUsed).to.be.above(21_000);
      expect(newest.gasPerEvent).to.equal(newest.gasUsed / 4);
      expect(BigInt(newest.fee) > 0n, `fee ${newest.fee}`).to.equal(true);
      expect(newest.attempts).to.have.length(1);
      expect(newest.attempts[0]).to.not.have.property("raw");
      expect(first.body.worker).to.include({ role: "leader", consecutiveFailures: 0 });
      expect(first.body.lease).to.include({
        holder: first.body.worker.instanceId,
        token: first.body.worker.leaseToken,
      });

      const second = await http(
        server.baseUrl,
        "GET",
        `/api/anchors?limit=2&cursor=${first.body.nextCursor}`,
        {
          key: server.adminKey,
        },
      );
      expect(second.body.items.map((item: { leafCount: number }) => item.leafCount)).to.deep.equal([3]);
      expect(second.body.nextCursor).to.equal(null);
      expect(await anchorWindowModel(env.runtime.connection).countDocuments()).to.equal(3);

      const forbidden = await http(server.baseUrl, "GET", "/api/anchors", { key: producer.key });
      expect(forbidden.status).to.equal(403);
    });

    it("carries the backlog the console shows: events not anchored yet and the age of the oldest", async () => {
      server = await serverWithWorker();
      const batch = await createBatch(server, producer);
      await recordEvents(server, producer, batch.id, 2);
      const waiting = await http(server.baseUrl, "GET", "/api/anchors", { key: server.adminKey });
      expect(waiting.status, waiting.text).to.equal(200);
      expect(waiting.body.backlog.pending).to.equal(3);
      expect(waiting.body.backlog.lagSeconds).to.be.a("number").and.at.least(0);

      const run = await http(server.baseUrl, "POST", "/api/anchors/run?wait=true", { key: server.adminKey });
      expect(run.status, run.text).to.equal(200);
      const anchored = await http(server.baseUrl, "GET", "/api/anchors", { key: server.adminKey });
      expect(anchored.body.backlog).to.deep.equal({ pending: 0, lagSeconds: 0 });
    });
  });

  describe("GET /healthz", () => {
    it("reports the anchoring backlog: pending events and the age of the oldest", async () => {
      await createBatch(server, producer);
      const before = await http(server.baseUrl, "GET", "/healthz");
      expect(before.body.anchoring.pending).to.equal(1);
      expect(before.body.anchoring.lagSeconds).to.be.a("number").and.at.least(0);
      await waitFor("the lag to grow", async () => {
        const health = await http(server.baseUrl, "GET", "/healthz");
        return health.body.anchoring.lagSeconds > 0;
      });

      worker = startWorker(env.runtime.connection, env.runtime.chain);
      await waitUntilAllAnchored(env.runtime.connection);
      const after = await http(server.baseUrl, "GET", "/healthz");
      expect(after.status).to.equal(200);
      expect(after.body.anchoring).to.deep.equal({ pending: 0, lagSeconds: 0 });
    });
  });
});
