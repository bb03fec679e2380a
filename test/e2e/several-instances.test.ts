import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Types } from "mongoose";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { leaseId, leaseModel, type LeaseDoc } from "../../server/modules/anchoring/data/lease.model";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { findFreePort } from "../../server/platform/net/free-port";
import { assertAnchoredExactlyOnce, childChainEnv, waitUntilAllAnchored } from "../helpers/anchoring";
import { createBrand, license } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, publicIdOf, teaBatch, type TestOrg } from "../helpers/scenario";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

interface Instance {
  process: ServiceProcess;
  baseUrl: string;
}

/**
 * Issue 15: three service instances (separate processes, each with its anchoring worker) on one
 * database — the embedded engine, served by the test process — and one chain. Concurrent appends,
 * transfer decisions and quota claims through all three keep every invariant; exactly one
 * instance anchors each window; killing an instance loses nothing it acknowledged.
 */
describe("several service instances on one database and one chain", function () {
  this.timeout(240_000);
  let env: TestEnv;
  let adminKey: string;
  const instances: Instance[] = [];
  let farm: TestOrg;
  let factory: TestOrg;
  const dataDirs: string[] = [];
  const statuses: string[] = [];

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    const bootstrap = await startTestServer(env);
    adminKey = bootstrap.adminKey;
    await bootstrap.close();
    for (let index = 0; index < 3; index++) instances.push(await startInstance());
    farm = await createOrg(on(0), "黄杜村茶园", ["producer"]);
    factory = await createOrg(on(1), "安吉白茶加工厂", ["processor"]);
  });
  after(async () => {
    await Promise.all(instances.map((instance) => stop(instance)));
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startInstance(): Promise<Instance> {
    const port = await findFreePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-instance-"));
    dataDirs.push(dataDir);
    const process = spawnService({
      ...childChainEnv(env),
      DATA_DIR: dataDir,
      PORT: String(port),
      ANCHOR_INTERVAL_MS: "300",
      ANCHOR_LEASE_MS: "1500",
      ANCHOR_BACKOFF_MAX_MS: "800",
      ANCHOR_CONFIRMATIONS: "1",
    });
    await waitUntilServing(process, 120_000);
    return { process, baseUrl: `http://127.0.0.1:${port}` };
  }

  async function stop(instance: Instance): Promise<void> {
    if (instance.process.child.exitCode !== null || instance.process.child.signalCode !== null) return;
    instance.process.child.kill("SIGTERM");
    await instance.process.exited;
  }

  /** Instance `index` (modulo three) as the scenario helpers take a server. */
  const on = (index: number): TestServer => ({
    baseUrl: instances[index % instances.length].baseUrl,
    adminKey,
    close: async () => undefined,
  });

  /** Posts an inspection through instance `index`; the event id when acknowledged (201). */
  async function inspect(index: number, batchId: string, sample: number): Promise<string | null> {
    try {
      const response = await http(on(index).baseUrl, "POST", `/api/batches/${batchId}/events`, {
        key: farm.key,
        json: { type: "inspecting", eventTime: "2026-04-13T08:00:00+08:00", data: { sample } },
      });
      if (response.status !== 201) statuses.push(`${response.status} ${response.text.slice(0, 200)}`);
      return response.status === 201 ? (response.body.id as string) : null;
    } catch {
      return null; // the instance was killed before it answered: not acknowledged
    }
  }

  /** The batch's ledger as stored: seq 1..n without gap or fork, each event linked to the one before. */
  async function ledgerOf(batchId: string) {
    const events = await traceEventModel(env.runtime.connection)
      .find({ batchId })
      .sort({ seq: 1 })
      .lean<{ _id: { toHexString(): string }; seq: number; hash: string; prevHash: string }[]>();
    events.forEach((event, index) => {
      expect(event.seq, "no gap and no fork").to.equal(index + 1);
      if (index > 0) expect(event.prevHash, `link of seq ${event.seq}`).to.equal(events[index - 1].hash);
    });
    return events;
  }

  it("keeps one ledger without gap or fork under concurrent appends through all three", async () => {
    const batch = await createBatch(on(0), farm);
    const acknowledged = await Promise.all(
      Array.from({ length: 45 }, (_, index) => inspect(index, batch.id, index)),
    );
    const ids = acknowledged.filter((id): id is string => id !== null);
    expect(ids.length, `every append is acknowledged; the others: ${statuses.join("\n")}`).to.equal(45);
    const ledger = await ledgerOf(batch.id);
    expect(ledger.map((event) => event._id.toHexString())).to.include.members(ids);
    expect(ledger).to.have.length(ids.length + 1); // nothing unacknowledged was kept, plus seq 1
    const verified = await http(on(2).baseUrl, "GET", `/api/verify/${await publicIdOf(on(2), batch.id)}`);
    expect(verified.status, verified.text).to.equal(200);
    expect(
      verified.body.checks.find((check: { name: string }) => check.name === "hash-chain").status,
    ).to.equal("pass");
  });

  it("lets exactly one of three concurrent decisions on a transfer through", async () => {
    const batch = await createBatch(on(1), farm);
    const offer = await http(on(1).baseUrl, "POST", `/api/batches/${batch.id}/transfers`, {
      key: farm.key,
      json: { to: factory.id, eventTime: "2026-04-14T09:00:00+08:00" },
    });
    expect(offer.status, `${offer.text}\n${instances[1].process.output().slice(-3000)}`).to.equal(201);
    const decisions = await Promise.all(
      [0, 1, 2].map((index) =>
        http(on(index).baseUrl, "POST", `/api/transfers/${offer.body.transfer.id}/accept`, {
          key: factory.key,
          json: { eventTime: "2026-04-14T15:00:00+08:00" },
        }),
      ),
    );
    const statuses = decisions.map((decision) => decision.status).sort();
    expect(
      statuses.filter((status) => status === 200),
      statuses.join(),
    ).to.have.length(1);
    for (const status of statuses.filter((value) => value !== 200)) expect(status).to.be.within(400, 499);
    const ledger = await ledgerOf(batch.id);
    const received = await traceEventModel(env.runtime.connection).countDocuments({
      batchId: batch.id,
      type: "receiving",
    });
    expect(received, "one receiving event").to.equal(1);
    expect(ledger.length).to.equal(3); // commissioning, shipping, receiving
  });

  it("never claims more of a licence's quota than it holds, whichever instance registers the batch", async () => {
    const owner = await createOrg(on(0), "安吉县白茶产业协会", ["brand_owner"]);
    const brand = await createBrand(on(0), owner, { requiredSchemes: [] });
    await license(on(1), owner, brand.id, farm, { quota: { value: 1000, unit: "KGM" } });
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        http(on(index).baseUrl, "POST", "/api/batches", {
          key: farm.key,
          json: teaBatch({ brand: brand.id, quantity: { value: 200, unit: "KGM" } }),
        }),
      ),
    );
    const accepted = claims.filter((claim) => claim.status === 201);
    expect(accepted, claims.map((claim) => claim.status).join()).to.have.length(5);
    for (const refused of claims.filter((claim) => claim.status !== 201))
      expect(refused.status).to.equal(422);
    const licences = await http(on(2).baseUrl, "GET", `/api/brands/${brand.id}/licences`, { key: owner.key });
    expect(licences.status, licences.text).to.equal(200);
    expect(licences.body.items[0].used).to.deep.equal({ value: 1000, unit: "KGM" });
  });

  it("never labels more of a branded batch than it holds, whichever instance issues the serials", async () => {
    const owner = await createOrg(on(0), "安吉县白茶产业协会 标签", ["brand_owner"]);
    const brand = await createBrand(on(0), owner, { requiredSchemes: [] });
    await license(on(1), owner, brand.id, farm, { quota: { value: 1000, unit: "KGM" } });
    const branded = await createBatch(on(2), farm, { brand: brand.id, quantity: { value: 10, unit: "KGM" } });
    // 30 claims of 0.5 kg at once on a 10 kg batch: 20 fit, no more.
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        http(on(index).baseUrl, "POST", `/api/batches/${branded.id}/serials`, {
          key: farm.key,
          json: { count: 1, itemQuantity: { value: 0.5, unit: "KGM" } },
        }),
      ),
    );
    expect(claims.filter((claim) => claim.status === 201)).to.have.length(20);
    for (const refused of claims.filter((claim) => claim.status !== 201))
      expect(refused.status).to.equal(422);
    const stored = await env.runtime.connection.db!.collection("batches").findOne({
      _id: new Types.ObjectId(branded.id),
    });
    expect(stored!.labelled).to.equal(10);
  });

  it("loses nothing acknowledged when an instance is killed, and anchors every event exactly once", async () => {
    const batch = await createBatch(on(0), farm);
    const pending = Array.from({ length: 30 }, (_, index) => inspect(index, batch.id, index));
    setTimeout(() => instances[1].process.child.kill("SIGKILL"), 150);
    const ids = (await Promise.all(pending)).filter((id): id is string => id !== null);
    const ledger = await ledgerOf(batch.id);
    expect(ledger.map((event) => event._id.toHexString())).to.include.members(ids);
    expect(await waitUntilAllAnchored(env.runtime.connection, 90_000)).to.equal(true);
    await assertAnchoredExactlyOnce(env.runtime.connection, env.runtime.chain, (eventId) =>
      http(on(0).baseUrl, "GET", `/api/events/${eventId}/proof`, { key: farm.key }),
    );
    const lease = (await leaseModel(env.runtime.connection).collection.findOne({
      _id: leaseId("anchoring"),
    })) as LeaseDoc | null;
    expect(lease, "one lease names the anchoring instance").to.not.equal(null);
    const windows = (await anchorWindowModel(env.runtime.connection)
      .collection.find({})
      .sort({ _id: 1 })
      .toArray()) as AnchorWindowDoc[];
    const tokens = windows.map((window) => window.leaseToken);
    expect(tokens, "windows in lease order: one anchorer at a time").to.deep.equal(
      [...tokens].sort((a, b) => a - b),
    );
  });
});
