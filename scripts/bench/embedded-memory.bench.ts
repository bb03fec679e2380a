/**
 * Embedded engine memory benchmark (issue 15): stores N trace events shaped as the service stores
 * them (one batch per 50 events, the event model's declared indexes) in the journaled store, and
 * prints the heap and RSS each stored event costs, the bytes per event on disk (journal, then
 * snapshot), the time of lookups through the index paths (by `_id`, by `hash`, by `batchId`) and of
 * a whole-collection scan, and the longest stall of the store's thread while it writes its snapshot.
 * Run it on two commits to compare them.
 *
 *   npm run bench -- embedded-memory [--events 100000]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { congodb } from "@push.rocks/smartmongo";
import { installIdLookup, type Scan } from "../../server/platform/mongo/embedded/id-lookup";
import { JournaledStorage } from "../../server/platform/mongo/embedded/journaled-storage";

const { ObjectId } = congodb.plugins.bson;
type Document = congodb.plugins.bson.Document;
type Storage = JournaledStorage;
type Lookup = (db: string, coll: string, filter: unknown) => Iterable<Document> | undefined;

const EVENTS_PER_BATCH = 50;
const LOOKUPS = 2_000;
const SCANS = 3;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

export async function run({ events = eventsFromArgs() }: { events?: number } = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-bench-embedded-memory-"));
  try {
    const storage = new JournaledStorage(dir) as Storage;
    await storage.initialize();
    const router = new congodb.CommandRouter(storage, {} as congodb.CongoServer);
    installIdLookup(router, candidatesOf(storage), scanOf(storage));
    await declareIndexes(storage);
    const before = memory();
    const stored = await storeEvents(storage, events);
    const after = memory();
    const anchored = await timeEach(1, () => anchorAll(router, stored.batchIds));
    const afterAnchoring = memory();
    const sample = (list: Document[]) => list[Math.floor(Math.random() * list.length)];
    const byId = await timeEach(LOOKUPS, () =>
      route(router, { find: "traceevents", filter: { _id: sample(stored.events)._id } }),
    );
    const byHash = await timeEach(LOOKUPS, () =>
      route(router, { find: "traceevents", filter: { hash: sample(stored.events).hash } }),
    );
    const byBatch = await timeEach(LOOKUPS / 10, () =>
      route(router, {
        find: "traceevents",
        filter: { batchId: sample(stored.batches)._id },
        sort: { seq: 1 },
      }),
    );
    const scan = await timeEach(SCANS, () =>
      route(router, { count: "traceevents", query: { type: "not-stored" } }),
    );
    const close = await timeWithStalls(() => storage.close());
    const diskBytes = directoryBytes(dir);

    const perEvent = (bytes: number) => `${Math.round(bytes / events).toLocaleString("en")} B`;
    console.log(
      `embedded-memory: ${events.toLocaleString("en")} trace events (${stored.batches.length} batches) in the journaled store, node ${process.version}`,
    );
    console.log(`  heap per event                 ${perEvent(after.heap - before.heap)}`);
    console.log(`  RSS per event                  ${perEvent(after.rss - before.rss)}`);
    console.log(`  heap per event, all anchored   ${perEvent(afterAnchoring.heap - before.heap)}`);
    console.log(`  RSS per event, all anchored    ${perEvent(afterAnchoring.rss - before.rss)}`);
    console.log(`  disk per event after close     ${perEvent(diskBytes)} (snapshot)`);
    console.log(`  anchor every event, by batch   ${ms(anchored)}`);
    console.log(`  find by _id                    ${ms(byId)} each`);
    console.log(`  find by hash (index)           ${ms(byHash)} each`);
    console.log(`  find by batchId, 50, sorted    ${ms(byBatch)} each`);
    console.log(`  whole-collection count         ${ms(scan)} each`);
    console.log(`  close (snapshot)               ${ms(close.seconds)}, longest stall ${ms(close.maxStall)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function declareIndexes(storage: Storage): Promise<void> {
  await storage.saveIndex("ecotrace", "traceevents", "batchId_1_seq_1", { key: { batchId: 1, seq: 1 } });
  await storage.saveIndex("ecotrace", "traceevents", "hash_1", { key: { hash: 1 } });
  await storage.saveIndex("ecotrace", "traceevents", "anchor_1__id_1", { key: { anchor: 1, _id: 1 } });
  await storage.saveIndex("ecotrace", "batches", "publicId_1", { key: { publicId: 1 } });
}

/** Events as the ledger stores them (scale bench's observation), the batch each 50 belong to. */
async function storeEvents(storage: Storage, count: number) {
  const actor = new ObjectId();
  const apiKey = new ObjectId();
  const hex = () => `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`;
  const events: Document[] = [];
  const batches: Document[] = [];
  const batchIds: unknown[] = [];
  let batch: Document | undefined;
  let prevHash = hex();
  for (let index = 0; index < count; index++) {
    const seq = index % EVENTS_PER_BATCH;
    if (seq === 0) {
      batch = await storage.insertOne("ecotrace", "batches", {
        _id: new ObjectId(),
        publicId: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url"),
        producerId: actor,
        product: { name: "安吉白茶", category: "tea", gtin: "06901234567892" },
        lot: `S-${String(index / EVENTS_PER_BATCH).padStart(7, "0")}`,
        quantity: { value: 500, unit: "KGM" },
        status: "active",
      });
      batchIds.push(batch._id);
      if (index % (EVENTS_PER_BATCH * 10) === 0) batches.push({ _id: new ObjectId(String(batch._id)) });
    }
    if (index % 100 === 0) await nextTurn();
    const recordTime = new Date();
    const hash = hex();
    const salt = hex();
    const stored = await storage.insertOne("ecotrace", "traceevents", {
      _id: new ObjectId(),
      batchId: batch!._id,
      seq,
      type: "observation",
      actorId: actor,
      recordedBy: { kind: "apiKey", id: apiKey },
      eventTime: new Date("2026-04-13T00:00:00Z"),
      recordTime,
      hash,
      prevHash,
      body: {
        v: 1,
        batchId: String(batch!._id),
        seq,
        type: "observation",
        eventTime: "2026-04-13T08:00:00+08:00",
        recordTime: recordTime.toISOString(),
        actor: String(actor),
        bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
        data: {
          lab: "浙江省农产品质量检测中心",
          results: [{ name: "moisture", value: index % 13, unit: "%" }],
        },
        prevHash,
        salt,
      },
      anchor: null,
    });
    // A sample to look up, kept small so that the bench's own references do not count as stored.
    if (index % EVENTS_PER_BATCH === 7)
      events.push({ _id: new ObjectId(String(stored._id)), hash: `${hash}` });
    prevHash = hash;
  }
  return { events, batches, batchIds };
}

/** Sets every event's `anchor` as the anchoring worker's claim does, one batch's events at a time. */
async function anchorAll(router: congodb.CommandRouter, batchIds: unknown[]): Promise<void> {
  const windowId = new ObjectId();
  for (const batchId of batchIds) {
    await nextTurn();
    await route(router, {
      update: "traceevents",
      updates: [
        { q: { batchId }, u: { $set: { anchor: { windowId, root: null, leafIndex: null } } }, multi: true },
      ],
    });
  }
}

/** Lets the event loop turn, as it does between requests that arrive over TCP (the snapshot's writes go on). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function directoryBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
}

/** The index path as the engine thread installs it, on this commit's store or on one before 0039. */
function candidatesOf(storage: Storage): Lookup {
  const paths = storage as unknown as { candidates?: Lookup; fieldIndexes?: { candidates: Lookup } };
  return (db, coll, filter) =>
    paths.candidates
      ? paths.candidates.call(storage, db, coll, filter)
      : paths.fieldIndexes!.candidates(db, coll, filter);
}

/** The store's own scan where it has one (since 0039), as the engine thread installs it. */
function scanOf(storage: Storage): Scan | undefined {
  const { matching } = storage as unknown as { matching?: Scan };
  return matching && ((db, coll, filter, wanted) => matching.call(storage, db, coll, filter, wanted));
}

function route(router: congodb.CommandRouter, command: Record<string, unknown>) {
  return router.route({
    commandName: Object.keys(command)[0],
    command: { ...command, $db: "ecotrace" },
    database: "ecotrace",
    opCode: 2013,
    requestID: 1,
  } as unknown as Parameters<congodb.CommandRouter["route"]>[0]);
}

function memory() {
  gc();
  gc();
  return { heap: v8.getHeapStatistics().used_heap_size, rss: process.memoryUsage().rss };
}

/** Mean seconds per call. */
async function timeEach(count: number, call: () => Promise<unknown>): Promise<number> {
  await call();
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await call();
  return Number(process.hrtime.bigint() - started) / 1e9 / count;
}

/** Seconds `call` takes and the longest time a 5 ms timer waited meanwhile (the thread answered nothing). */
async function timeWithStalls(call: () => Promise<unknown>) {
  let maxStall = 0;
  let last = process.hrtime.bigint();
  const probe = setInterval(() => {
    const now = process.hrtime.bigint();
    maxStall = Math.max(maxStall, Number(now - last) / 1e9);
    last = now;
  }, 5);
  const started = process.hrtime.bigint();
  await call();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  maxStall = Math.max(maxStall, Number(process.hrtime.bigint() - last) / 1e9);
  clearInterval(probe);
  return { seconds, maxStall };
}

function ms(seconds: number): string {
  return seconds < 0.01 ? `${(seconds * 1e3).toFixed(3)} ms` : `${(seconds * 1e3).toFixed(0)} ms`;
}

function eventsFromArgs(): number {
  const at = process.argv.indexOf("--events");
  const events = at >= 0 ? Number(process.argv[at + 1]) : 100_000;
  if (!Number.isSafeInteger(events) || events < EVENTS_PER_BATCH)
    throw new RangeError(`--events must be an integer ≥ ${EVENTS_PER_BATCH}`);
  return events;
}

if (require.main === module) void run();
