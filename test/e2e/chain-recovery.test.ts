import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { createProvider } from "../../server/platform/evm/chain-client";
import { findFreePort } from "../../server/platform/net/free-port";
import { ProvenanceRegistry__factory } from "../../typechain-types";
import { waitFor } from "../helpers/anchoring";
import { createCertifier, issueCertification } from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, publicIdOf, type TestOrg } from "../helpers/scenario";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";
import type { TestServer } from "../helpers/test-env";

/**
 * The embedded chain under crashes and resets, with `npm start` as a process: kill -9 of service
 * and anvil (one of them leaving a state file cut off mid-write), anvil alone dying, and the chain
 * state deleted between runs. Every acknowledged event must end anchored and verified.
 */
describe("embedded chain recovery (kill -9, dead anvil, chain reset)", function () {
  this.timeout(120_000);
  let dataDir: string;
  let port: number;
  let running: ServiceProcess | undefined;
  let server: TestServer;

  const chainDir = () => path.join(dataDir, "chain");
  const stateFile = () => path.join(chainDir(), "anvil-state.json");
  const anvilPid = () => Number(fs.readFileSync(path.join(chainDir(), "anvil.pid"), "utf8"));

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-chain-recovery-"));
    port = await findFreePort();
  });
  afterEach(async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<ServiceProcess> {
    running = spawnService({
      DATA_DIR: dataDir,
      PORT: String(port),
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      ANCHOR_INTERVAL_MS: "200",
      ANCHOR_LEASE_MS: "1500",
      ANCHOR_BACKOFF_MAX_MS: "1000",
    });
    await waitUntilServing(running);
    const adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    server = { baseUrl: `http://127.0.0.1:${port}`, adminKey, close: () => Promise.resolve() };
    return running;
  }

  async function stop(): Promise<void> {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill("SIGTERM");
      await running.exited;
    }
    running = undefined;
  }

  /** kill -9 of the service and of its anvil node at the same moment, as a power cut would. */
  async function killBoth(): Promise<void> {
    const pid = anvilPid();
    process.kill(pid, "SIGKILL");
    running!.child.kill("SIGKILL");
    await running!.exited;
    await waitFor("anvil to be gone", () => !fs.existsSync(`/proc/${pid}`) || isZombie(pid));
  }

  async function recordEvents(producer: TestOrg, batchId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let sample = 0; sample < count; sample++) {
      const event = await http(server.baseUrl, "POST", `/api/batches/${batchId}/events`, {
        key: producer.key,
        json: { type: "inspecting", eventTime: "2026-04-13T08:00:00+08:00", data: { sample } },
      });
      expect(event.status, event.text).to.equal(201);
      ids.push(event.body.id);
    }
    return ids;
  }

  async function waitUntilNothingPending(): Promise<void> {
    await waitFor(
      "every event to carry its anchor",
      async () => {
        const health = await http(server.baseUrl, "GET", "/healthz");
        return health.body.anchoring?.pending === 0 && health.body.status === "ok";
      },
      { timeoutMs: 45_000, pollMs: 200 },
    );
  }

  /** Each proof checked with nothing but the RPC endpoint and the registry address it names. */
  async function expectProofsVerifyOnChain(eventIds: string[]): Promise<void> {
    const { rpcUrl } = JSON.parse(fs.readFileSync(path.join(dataDir, "chain.json"), "utf8"));
    const provider = createProvider(rpcUrl);
    try {
      for (const id of eventIds) {
        const proof = await http(server.baseUrl, "GET", `/api/events/${id}/proof`, { key: server.adminKey });
        expect(proof.status, proof.text).to.equal(200);
        const registry = ProvenanceRegistry__factory.connect(proof.body.registry, provider);
        expect(await registry.verifyLeaf(proof.body.root, proof.body.proof, proof.body.leaf)).to.equal(true);
      }
    } finally {
      provider.destroy();
    }
  }

  async function expectVerified(batchId: string): Promise<void> {
    const publicId = await publicIdOf(server, batchId);
    const verified = await http(server.baseUrl, "GET", `/api/verify/${publicId}`);
    expect(verified.status, verified.text).to.equal(200);
    expect(verified.body.verdict, JSON.stringify(verified.body.checks)).to.equal("verified");
  }

  function deleteChainState(): void {
    for (const file of fs.readdirSync(chainDir()).filter((name) => name.startsWith("anvil-state"))) {
      fs.rmSync(path.join(chainDir(), file));
    }
  }

  /** A registered certifier with its own key certifies the batch (relayed on chain, then stored). */
  async function certifyBatch(batchId: string) {
    const certifier = await createCertifier(server, "南京国环有机产品认证中心");
    await issueCertification(server, certifier, batchId);
    return certifier;
  }

  async function expectCertifierRegistered(orgId: string): Promise<void> {
    const status = await http(server.baseUrl, "GET", `/api/certifiers/${orgId}`, { key: server.adminKey });
    expect(status.body.registered, status.text).to.equal(true);
  }

  it("starts after kill -9 of service and anvil, also from a state file cut off mid-write, and anchors every acknowledged event", async () => {
    await start();
    const producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    const batch = await createBatch(server, producer);
    const acknowledged = [batch.event.id];
    for (let round = 0; round < 3; round++) {
      acknowledged.push(...(await recordEvents(producer, batch.id, 3)));
      // Within anvil's one-second dump period: sometimes mid-window, sometimes mid-dump.
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 900));
      await killBoth();
      if (round === 2) {
        // What a kill during a dump leaves behind (the timing above hits it only sometimes).
        const text = fs.readFileSync(stateFile(), "utf8");
        fs.writeFileSync(stateFile(), text.slice(0, Math.floor(text.length / 2)));
      }
      await start();
    }
    expect(running!.output()).to.include("chain state file is corrupt");
    expect(fs.readdirSync(chainDir()).some((file) => file.includes(".corrupt-"))).to.equal(true);

    acknowledged.push(...(await recordEvents(producer, batch.id, 2)));
    await waitUntilNothingPending();
    await expectProofsVerifyOnChain(acknowledged);
    await expectVerified(batch.id);
  });

  it("restarts a dead anvil node and resumes anchoring, also when the node comes back with a fresh chain", async () => {
    await start();
    const producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    const batch = await createBatch(server, producer);
    const certifier = await certifyBatch(batch.id);
    const acknowledged = [batch.event.id, ...(await recordEvents(producer, batch.id, 2))];
    await waitUntilNothingPending();

    const killAnvil = async (thenBefore: () => void = () => undefined) => {
      const dead = anvilPid();
      process.kill(dead, "SIGKILL");
      thenBefore();
      acknowledged.push(...(await recordEvents(producer, batch.id, 3)));
      await waitFor("anvil to be running again", () => {
        const now = fs.existsSync(path.join(chainDir(), "anvil.pid")) ? anvilPid() : dead;
        return now !== dead;
      });
    };
    await killAnvil();
    expect(running!.output()).to.include("embedded anvil node died; restarting it");
    await waitUntilNothingPending();
    // Proofs only: /api/verify caches what the chain said for 15 s, and the next reset moves roots.
    await expectProofsVerifyOnChain(acknowledged);

    // The node loses its state while the service runs: it comes back as a new chain.
    await killAnvil(deleteChainState);
    await waitUntilNothingPending();
    expect(running!.output()).to.include("deployed the registry again at its address");
    await expectCertifierRegistered(certifier.id);
    await expectProofsVerifyOnChain(acknowledged);
    await expectVerified(batch.id);
  });

  it("after the chain state is deleted between runs: redeploys the registry, re-anchors every window and restores certifiers and certifications", async () => {
    await start();
    const producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    const batch = await createBatch(server, producer);
    const certifier = await certifyBatch(batch.id);
    const acknowledged = [batch.event.id, ...(await recordEvents(producer, batch.id, 3))];
    await waitUntilNothingPending();
    await expectVerified(batch.id);
    const registry = JSON.parse(fs.readFileSync(path.join(dataDir, "chain.json"), "utf8")).registry;

    await stop();
    deleteChainState();
    await start();
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, "chain.json"), "utf8")).registry).to.equal(registry);

    acknowledged.push(...(await recordEvents(producer, batch.id, 2)));
    await waitUntilNothingPending();
    expect(running!.output()).to.include("the chain was reset");
    await expectCertifierRegistered(certifier.id);
    await expectProofsVerifyOnChain(acknowledged);
    await expectVerified(batch.id);
  });
});

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
