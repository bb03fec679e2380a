/**
 * Verification benchmark on a database of 100 000 anchored events (10 000 batches × 10 events):
 * requests per second and p50/p99 latency of `GET /api/verify/:publicId` and of the consumer page
 * (`GET /01/{gtin}/10/{lot}`, HTML), each request recomputing every hash, chain link and Merkle
 * proof of the batch and asking the chain (through the service's short-lived answer cache).
 *
 * "cold" requests each name a different batch (every on-chain leaf check is new); "warm" requests
 * cycle over 50 batches (chain answers cached, as for a product scanned often).
 *
 * Seeding writes the events and anchors them directly (one `anchorWindow` per 10 000 events with
 * the ledger map of decision 0015, the windows and map entries stored exactly as the anchoring
 * worker stores them), so the setup takes seconds; the worker's own throughput is not what this
 * measures. The last figure is the CPU time of verifying one batch's bundle, completeness included.
 * Set MONGODB_URI to measure on MongoDB.
 *
 *   npx ts-node --transpile-only scripts/bench/verify.bench.ts [events] [requests] [concurrency]
 */
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { packWindow } from "../../server/modules/anchoring/window-codec";
import { claimMarker } from "../../server/modules/anchoring/data/window-store";
import {
  anchorWindowLeavesModel,
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { batchModel, type BatchDoc } from "../../server/modules/batches/data/batch.model";
import { newPublicId } from "../../server/modules/batches/public-id";
import { traceEventModel, type TraceEventDoc } from "../../server/modules/ledger/data/trace-event.model";
import { cbvTermsFor } from "../../server/modules/ledger/domain/cbv";
import { buildEventBody, type EventFacts } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash, ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";
import { buildMerkleTreeOffThread } from "../../server/platform/crypto/merkle-off-thread";
import type { Runtime } from "../../server/main/runtime";
import { verifierFor } from "../../server/modules/verification/verify";
import { examineProofBundle } from "../../server/modules/verification/domain/proof-bundle-verify";
import { decideVerdict } from "../../server/modules/verification/domain/verdict";
import { getFromWorker, post, startBenchService } from "./bench-http";
import { gs1LedgerKey, LedgerMap } from "../../server/modules/anchoring/domain/ledger-map";
import { ledgerMapEntryModel } from "../../server/modules/anchoring/data/ledger-map.model";

const EVENTS_PER_BATCH = 10;
const WINDOW_EVENTS = 10_000;
const GTIN = "06901234567892";

export async function run({
  events = 100_000,
  requests = 500,
  concurrency = 8,
}: { events?: number; requests?: number; concurrency?: number } = {}) {
  const service = await startBenchService("verify");
  const { base, config, runtime } = service;
  try {
    const producer = await post(base, service.adminKey, "/api/orgs", {
      name: "安吉县白茶合作社",
      roles: ["producer"],
    });
    const seeding = process.hrtime.bigint();
    const lots = await seed(runtime, producer.id, Math.ceil(events / EVENTS_PER_BATCH));
    const database = config.embedded.db ? "embedded database" : "MONGODB_URI";
    console.log(
      `verify: ${lots.length * EVENTS_PER_BATCH} anchored events in ${lots.length} batches (${database}, seeded in ${seconds(seeding).toFixed(0)} s), ${requests} requests, ${concurrency} in flight`,
    );
    const shuffled = [...lots].sort(() => Math.random() - 0.5);
    const cold = shuffled.slice(0, requests).map((lot) => `/api/verify/${lot.publicId}`);
    const warmSet = shuffled.slice(requests, requests + 50);
    const warm = Array.from(
      { length: requests },
      (_, index) => `/api/verify/${warmSet[index % 50].publicId}`,
    );
    const pages = Array.from({ length: requests }, (_, index) => `/01/${GTIN}/10/${warmSet[index % 50].lot}`);
    const read = (paths: string[]) => getFromWorker({ base, paths, concurrency, expectVerified: true });
    await read(warm.slice(0, 100)); // window trees built, JIT warm
    report("GET /api/verify/:pid  cold", await read(cold));
    report("GET /api/verify/:pid  warm", await read(warm));
    report("consumer page (HTML)  warm", await read(pages));
    await verificationLogicOnly(runtime, config.PUBLIC_BASE_URL, warmSet[0].id);
  } finally {
    await service.stop();
  }
}

/**
 * Inserts batches with hash-chained events exactly as the service records them, and anchors each
 * 10 000 events as one window: Merkle root on chain, window and leaf list stored as the worker does.
 */
export async function seed(runtime: Runtime, producerId: string, batchCount: number) {
  const lots: { id: string; publicId: string; lot: string }[] = [];
  const now = new Date();
  const perWindow = Math.max(1, Math.floor(WINDOW_EVENTS / EVENTS_PER_BATCH));
  const map = new LedgerMap();
  for (let start = 0; start < batchCount; start += perWindow) {
    const batchDocs: BatchDoc[] = [];
    const eventDocs: TraceEventDoc[] = [];
    for (let index = start; index < Math.min(start + perWindow, batchCount); index++) {
      const { batch, events } = batchWithEvents(producerId, `B-${String(index).padStart(6, "0")}`, now);
      batchDocs.push(batch);
      eventDocs.push(...events);
      lots.push({ id: batch._id.toHexString(), publicId: batch.publicId, lot: batch.lot });
    }
    await anchorWindow(runtime, eventDocs, map);
    await batchModel(runtime.connection).collection.insertMany(batchDocs);
    for (let offset = 0; offset < eventDocs.length; offset += 2_000) {
      await traceEventModel(runtime.connection).collection.insertMany(
        eventDocs.slice(offset, offset + 2_000),
      );
    }
  }
  return lots;
}

function batchWithEvents(
  producerId: string,
  lot: string,
  now: Date,
): { batch: BatchDoc; events: TraceEventDoc[] } {
  const batchId = new Types.ObjectId();
  const events: TraceEventDoc[] = [];
  let prevHash: string = ZERO_HASH;
  for (let seq = 1; seq <= EVENTS_PER_BATCH; seq++) {
    const facts: EventFacts =
      seq === 1
        ? {
            type: "commissioning",
            eventTime: "2026-04-12T08:00:00+08:00",
            ...cbvTermsFor("commissioning", {}),
            data: {
              product: { name: "安吉白茶", category: "tea", gtin: GTIN },
              lot,
              quantity: { value: 500, unit: "KGM" },
              origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
            },
          }
        : {
            type: "inspecting",
            eventTime: "2026-04-13T08:00:00+08:00",
            ...cbvTermsFor("inspecting", {}),
            data: {
              lab: "浙江省农产品质量检测中心",
              results: [{ name: "水分", value: seq, unit: "%", pass: true }],
            },
          };
    const body = buildEventBody(facts, {
      batchId: batchId.toHexString(),
      seq,
      prevHash,
      salt: `0x${randomBytes(32).toString("hex")}`,
      recordTime: now.toISOString(),
      actor: producerId,
    });
    const hash = computeEventHash(body);
    events.push({
      _id: new Types.ObjectId(),
      batchId,
      seq,
      type: body.type,
      actorId: new Types.ObjectId(producerId),
      eventTime: new Date(body.eventTime),
      recordTime: now,
      hash,
      prevHash,
      body: body as unknown as Record<string, unknown>,
      anchor: null,
    });
    prevHash = hash;
  }
  const last = events[events.length - 1];
  const batch: BatchDoc = {
    _id: batchId,
    publicId: newPublicId(),
    producerId: new Types.ObjectId(producerId),
    holderId: new Types.ObjectId(producerId),
    product: { name: "安吉白茶", category: "tea", gtin: GTIN },
    lot,
    origin: {
      place: "黄杜村",
      regionCode: "330523",
      harvestedAt: "2026-04-12",
      harvestedOn: new Date("2026-04-12"),
    },
    quantity: { value: 500, unit: "KGM" },
    available: 500,
    attachments: [],
    inputs: [],
    status: "active",
    pendingTransferId: null,
    head: { seq: EVENTS_PER_BATCH, hash: prevHash, eventId: last._id },
    lastEvent: last as unknown as Record<string, unknown>,
    createdAt: now,
  };
  return { batch, events };
}

/**
 * Anchors `events` (whole batches) as one completed window, with the ledger map moved to their
 * heads, and gives them its claim marker (what the worker leaves in them).
 */
async function anchorWindow(runtime: Runtime, events: TraceEventDoc[], map: LedgerMap): Promise<void> {
  const { leaves, eventIds, leafHashes } = await packWindow(events);
  const tree = await buildMerkleTreeOffThread(leafHashes);
  const windowId = new Types.ObjectId();
  const mapChanges = events
    .filter((event) => event.seq === EVENTS_PER_BATCH)
    .map((head) => {
      const commissioning = events.find((event) => event.batchId.equals(head.batchId) && event.seq === 1)!;
      const { lot } = commissioning.body.data as { lot: string };
      return {
        key: gs1LedgerKey(GTIN, lot),
        ledgerId: head.batchId.toHexString(),
        seq: head.seq,
        headHash: head.hash as `0x${string}`,
      };
    });
  for (const { key, ...value } of mapChanges) map.set(key, value);
  const registry = runtime.chain.registry;
  const previousRoot = (await registry.latestWindow()).root;
  const receipt = await (
    await registry.anchorWindow(tree.root, map.root, leafHashes.length, previousRoot)
  ).wait();
  const windowIndex = Number((await registry.anchorOf(tree.root)).window);
  const block = await runtime.chain.provider.getBlock(receipt!.blockNumber);
  const now = new Date();
  await anchorWindowLeavesModel(runtime.connection).collection.insertOne({
    _id: windowId,
    leaves,
    eventIds,
    mapChanges,
  });
  await ledgerMapEntryModel(runtime.connection).collection.insertMany(
    mapChanges.map(({ key, ledgerId, seq, headHash }) => ({
      key,
      ledgerId,
      current: { seq, headHash, windowId },
      previous: null,
    })),
  );
  const window: AnchorWindowDoc = {
    _id: windowId,
    state: "completed",
    holder: "bench",
    leaseToken: 0,
    createdAt: now,
    updatedAt: now,
    root: tree.root,
    mapRoot: map.root,
    windowIndex,
    leafCount: leafHashes.length,
    recordedThrough: null, // summed from the windows' leaf counts when asked
    oldestRecordTime: now,
    chainId: Number(runtime.chain.chainId),
    registry: runtime.chain.registryAddress,
    txHash: receipt!.hash,
    nonce: null,
    attempts: [],
    blockNumber: receipt!.blockNumber,
    gasUsed: Number(receipt!.gasUsed),
    fee: null,
    anchoredAt: new Date(block!.timestamp * 1000),
    recordedAt: now,
    submittedAt: now,
    confirmedAt: now,
    completedAt: now,
    abandonedAt: null,
    rolledBackAt: null,
    lastError: null,
  };
  await anchorWindowModel(runtime.connection).collection.insertOne(window);
  // Events keep their window's claim marker; root and leaf index are the window's.
  for (const event of events) event.anchor = claimMarker(windowId);
}

/**
 * The verification itself without the database: one batch's public bundle (10 events) examined
 * again and again (hashes, chain links, labels, Merkle proofs; chain answers from the cache).
 */
async function verificationLogicOnly(
  runtime: Runtime,
  publicBaseUrl: string,
  batchId: string,
): Promise<void> {
  const verifier = verifierFor({
    useCaseContext: runtime.useCaseContext,
    chain: runtime.chain,
    publicBaseUrl,
  });
  const bundle = await verifier.bundle(batchId);
  const examine = async () =>
    decideVerdict(
      (await examineProofBundle(bundle, verifier.reader, { nowSec: Date.now() / 1000 })).evidence,
    );
  const first = await examine();
  if (first.verdict !== "verified")
    throw new Error(`the sample bundle does not verify: ${JSON.stringify(first.checks)}`);
  let count = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  while (seconds(started) < 3) {
    await examine();
    count++;
  }
  const { user, system } = process.cpuUsage(cpu);
  console.log(
    `  verification logic only (bundle in memory, ${bundle.events.length} events)  ${(count / seconds(started)).toFixed(0)} verifications/s, ` +
      `${((user + system) / 1000 / count).toFixed(2)} ms CPU per batch (completeness proof and latestWindow call included)`,
  );
}

function report(name: string, { seconds, latencies }: { seconds: number; latencies: number[] }): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  console.log(
    `  ${name}  ${(latencies.length / seconds).toFixed(0).padStart(5)} req/s   p50 ${at(0.5).toFixed(1).padStart(6)} ms   p99 ${at(0.99).toFixed(1).padStart(6)} ms`,
  );
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

if (require.main === module) {
  const [events, requests, concurrency] = process.argv.slice(2).map(Number);
  run({
    events: events || undefined,
    requests: requests || undefined,
    concurrency: concurrency || undefined,
  }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
