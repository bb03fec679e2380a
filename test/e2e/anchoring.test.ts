import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { createProvider } from "../../server/platform/evm/chain-client";
import { findFreePort } from "../../server/platform/net/free-port";
import { ProvenanceRegistry__factory } from "../../typechain-types";
import { spawnWorker, stopWorkerProcess, waitFor, type WorkerProcess } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";

describe("anchoring end to end (npm start, npm run worker)", function () {
  this.timeout(240_000);
  let dataDir: string;
  let port: number;
  let baseUrl: string;
  let running: ServiceProcess | undefined;
  let worker: WorkerProcess | undefined;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-anchoring-e2e-"));
    port = await findFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    await stopWorkerProcess(worker);
    worker = undefined;
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill("SIGTERM");
      await running.exited;
    }
    running = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<ServiceProcess> {
    running = spawnService({
      DATA_DIR: dataDir,
      PORT: String(port),
      NODE_ENV: "test",
      ANCHOR_INTERVAL_MS: "60000", // windows only when asked, so the test decides when
      ANCHOR_LEASE_MS: "1500",
      ...env,
    });
    await waitUntilServing(running);
    return running;
  }

  async function recordEvents(adminKey: string): Promise<string[]> {
    const org = await http(baseUrl, "POST", "/api/orgs", {
      key: adminKey,
      json: { name: "安吉县白茶合作社", roles: ["producer"] },
    });
    expect(org.status, org.text).to.equal(201);
    const batch = await http(baseUrl, "POST", "/api/batches", {
      key: org.body.apiKey,
      json: {
        product: { name: "安吉白茶", category: "tea" },
        origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
        quantity: { value: 500, unit: "KGM" },
      },
    });
    expect(batch.status, batch.text).to.equal(201);
    const ids = [batch.body.event.id];
    for (const sample of [1, 2, 3]) {
      const event = await http(baseUrl, "POST", `/api/batches/${batch.body.id}/events`, {
        key: org.body.apiKey,
        json: { type: "inspecting", eventTime: "2026-04-13T08:00:00+08:00", data: { sample } },
      });
      expect(event.status, event.text).to.equal(201);
      ids.push(event.body.id);
    }
    return ids;
  }

  /** Checks each proof with nothing but an RPC endpoint and the registry address it names. */
  async function expectProofsVerifyOnChain(adminKey: string, eventIds: string[]): Promise<void> {
    const { rpcUrl } = JSON.parse(fs.readFileSync(path.join(dataDir, "chain.json"), "utf8"));
    const provider = createProvider(rpcUrl);
    try {
      for (const id of eventIds) {
        const proof = await http(baseUrl, "GET", `/api/events/${id}/proof`, { key: adminKey });
        expect(proof.status, proof.text).to.equal(200);
        const registry = ProvenanceRegistry__factory.connect(proof.body.registry, provider);
        expect(await registry.verifyLeaf(proof.body.root, proof.body.proof, proof.body.leaf)).to.equal(true);
        expect(Number((await registry.anchorOf(proof.body.root)).blockNumber)).to.equal(
          proof.body.blockNumber,
        );
      }
    } finally {
      provider.destroy();
    }
  }

  it("anchors through the service's worker, and finishes a window after the service is killed -9 mid-window", async () => {
    const first = await start({ ANCHOR_FAULT: "exit-after-broadcast" });
    const adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    const eventIds = await recordEvents(adminKey);
    const requested = await http(baseUrl, "POST", "/api/anchors/run", { key: adminKey });
    expect(requested.status).to.equal(202);
    await first.exited;
    expect(first.child.signalCode, first.output()).to.equal("SIGKILL");
    expect(first.output()).to.include("ANCHOR_FAULT exit-after-broadcast");

    const second = await start();
    // The new instance reconciles the broadcast window as soon as it holds the lease; the request
    // either waits for that (confirmed) or arrives after it (idle). Either way one window, below.
    const run = await http(baseUrl, "POST", "/api/anchors/run?wait=true", { key: adminKey });
    expect(run.status, run.text).to.equal(200);
    if (run.body.status === "confirmed") expect(run.body.leafCount).to.equal(eventIds.length);
    else expect(run.body).to.include({ status: "idle", pending: 0 });
    await waitFor("every event to carry its anchor", async () => {
      const health = await http(baseUrl, "GET", "/healthz");
      return health.body.anchoring?.pending === 0;
    });
    await expectProofsVerifyOnChain(adminKey, eventIds);
    const windows = await http(baseUrl, "GET", "/api/anchors", { key: adminKey });
    expect(windows.body.items).to.have.length(1);
    expect(windows.body.items[0]).to.include({ state: "completed", leafCount: eventIds.length });
    if (run.body.status === "confirmed") expect(windows.body.items[0].txHash).to.equal(run.body.txHash);
    expect(windows.body.items[0].attempts).to.have.length(1);

    second.child.kill("SIGTERM");
    expect(await second.exited).to.equal(0);
  });

  it("npm run worker attaches to the embedded database and chain of a running service and anchors its events", async () => {
    await start({ ANCHOR_WORKER: "false" });
    const adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    const eventIds = await recordEvents(adminKey);
    const idle = await http(baseUrl, "GET", "/healthz");
    expect(idle.body.anchoring.pending).to.equal(eventIds.length);

    worker = spawnWorker({ DATA_DIR: dataDir, ANCHOR_INTERVAL_MS: "200" });
    await waitFor("the standalone worker to anchor every event", async () => {
      const health = await http(baseUrl, "GET", "/healthz");
      return health.body.anchoring?.pending === 0;
    });
    expect(worker.output()).to.include("attached to the embedded database and chain of the running service");
    await expectProofsVerifyOnChain(adminKey, eventIds);
  });
});
