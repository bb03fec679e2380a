import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Types } from "mongoose";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { traceEventModel, type TraceEventDoc } from "../../server/modules/ledger/data/trace-event.model";
import { findFreePort } from "../../server/platform/net/free-port";
import { assertAnchoredExactlyOnce, childChainEnv, waitUntilAllAnchored } from "../helpers/anchoring";
import { licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg } from "../helpers/scenario";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * Three service processes (API and anchoring worker each, as `npm start` runs them) on one
 * database (the embedded engine served by this test process) and one chain, written to
 * concurrently; one is killed mid-way. Issue 15: no fork, no gap, no double claim, one anchorer
 * at a time, nothing acknowledged lost.
 */
describe("several service instances on one database", function () {
  this.timeout(120_000);
  let env: TestEnv;
  let admin: TestServer;
  const instances: { service: ServiceProcess; baseUrl: string; dataDir: string }[] = [];

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    admin = await startTestServer(env); // bootstraps the admin key the instances share
    await Promise.all(
      [0, 1, 2].map(async () => {
        const port = await findFreePort();
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-instance-"));
        const shared = childChainEnv(env);
        const service = spawnService({
          ...shared,
          // The embedded engine mishandles the driver's streaming heartbeat ("Server ended
          // moreToCome unexpectedly", then a cleared pool): instances that reach it by URI poll.
          MONGODB_URI: `${shared.MONGODB_URI}?serverMonitoringMode=poll`,
          HOST: "127.0.0.1",
          PORT: String(port),
          DATA_DIR: dataDir,
          ADMIN_API_KEY: admin.adminKey,
          ANCHOR_INTERVAL_MS: "300",
          ANCHOR_LEASE_MS: "2000", // a standby takes over quickly once the holder is killed
          ANCHOR_BACKOFF_MAX_MS: "1000",
          ANCHOR_CONFIRMATIONS: "1", // the test chain mines only when sent a transaction
        });
        instances.push({ service, baseUrl: `http://127.0.0.1:${port}`, dataDir });
        await waitUntilServing(service, 100_000);
      }),
    );
  });

  after(async () => {
    for (const { service, dataDir } of instances) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill("SIGTERM");
        await service.exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    await admin.close();
  });

  /** Round-robin over the instances still alive. */
  const via = (index: number) => {
    const alive = instances.filter(({ service }) => service.child.exitCode === null && !service.child.killed);
    return alive[index % alive.length].baseUrl;
  };

  it("keeps every ledger, transfer and quota claim whole and anchors once through one lease", async () => {
    const farm = await createOrg(admin, "黄杜村茶叶合作社", ["producer"]);
    const factory = await createOrg(admin, "安吉白茶厂", ["processor"]);
    const brandId = await licensedBrand(admin, farm);
    const batches = await Promise.all([0, 1, 2].map(() => createBatch(admin, farm)));
    const branded = await createBatch(admin, farm, { brand: brandId, quantity: { value: 10, unit: "KGM" } });

    // Appends through all three at once; instance 2 is killed while they run.
    const acknowledged: string[] = [];
    const append = async (index: number) => {
      const batch = batches[index % batches.length];
      try {
        const response = await http(via(index), "POST", `/api/batches/${batch.id}/events`, {
          key: farm.key,
          json: { type: "observation", eventTime: "2026-04-13T08:00:00+08:00", data: { reading: index } },
        });
        if (response.status === 201) acknowledged.push(response.body.id as string);
        else expect(response.status, response.text).to.be.oneOf([409, 503]);
      } catch {
        // the killed instance dropped the connection: not acknowledged, may or may not be stored
      }
    };
    const appends = Promise.all(
      Array.from({ length: 6 }, async (_, lane) => {
        for (let round = 0; round < 10; round++) await append(lane + 6 * round);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    instances[2].service.child.kill("SIGKILL");
    await appends;

    // One transfer accepted through every live instance at once: accepted once.
    const offered = await http(via(0), "POST", `/api/batches/${batches[0].id}/transfers`, {
      key: farm.key,
      json: { to: factory.id },
    });
    expect(offered.status, offered.text).to.equal(201);
    const accepts = await Promise.all(
      [0, 1, 2, 3].map((index) =>
        http(via(index), "POST", `/api/transfers/${offered.body.transfer.id}/accept`, { key: factory.key }),
      ),
    );
    expect(accepts.filter((answer) => answer.status === 200)).to.have.length(1);

    // Label quota of a 10 kg batch claimed 30 × 0.5 kg at once: 20 claims fit, no more.
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        http(via(index), "POST", `/api/batches/${branded.id}/serials`, {
          key: farm.key,
          json: { count: 1, itemQuantity: { value: 0.5, unit: "KGM" } },
        }),
      ),
    );
    expect(claims.filter((answer) => answer.status === 201)).to.have.length(20);
    const stored = await env.runtime.connection.db!.collection("batches").findOne({
      _id: new Types.ObjectId(branded.id),
    });
    expect(stored!.labelled).to.equal(10);

    await waitUntilAllAnchored(env.runtime.connection, 90_000);
    const events = (await traceEventModel(env.runtime.connection)
      .collection.find({})
      .toArray()) as TraceEventDoc[];
    const ids = new Set(events.map((event) => event._id.toHexString()));
    expect(
      acknowledged.filter((id) => !ids.has(id)),
      "acknowledged events lost",
    ).to.deep.equal([]);
    for (const batch of [...batches, branded]) assertWholeLedger(events, batch.id);
    expect(events.filter((event) => event.type === "receiving")).to.have.length(1);

    await assertAnchoredExactlyOnce(env.runtime.connection, env.runtime.chain, (eventId) =>
      http(via(0), "GET", `/api/events/${eventId}/proof`, { key: admin.adminKey }),
    );
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

/** Sequence numbers 1..n with no gap or repeat, each event linked to the one before. */
function assertWholeLedger(events: TraceEventDoc[], batchId: string): void {
  const ledger = events
    .filter((event) => event.batchId.toHexString() === batchId && event.subject !== "brand")
    .sort((a, b) => a.seq - b.seq);
  expect(
    ledger.map((event) => event.seq),
    `sequence of batch ${batchId}`,
  ).to.deep.equal(ledger.map((_, index) => index + 1));
  ledger.slice(1).forEach((event, index) => expect(event.prevHash).to.equal(ledger[index].hash));
}
