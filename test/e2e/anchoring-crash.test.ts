import { expect } from "chai";
import { ANCHOR_FAULTS } from "../../server/modules/anchoring/faults";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import {
  assertAnchoredExactlyOnce,
  childChainEnv,
  recordEvents,
  spawnWorker,
  stopWorkerProcess,
  waitFor,
  waitUntilAllAnchored,
  type WorkerProcess,
} from "../helpers/anchoring";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * kill -9 of the worker process at every step of a window (ANCHOR_FAULT makes it SIGKILL itself
 * there), then a clean worker: every event must end up anchored exactly once, in one window.
 */
describe("anchoring worker crash recovery (kill -9 at each step)", function () {
  this.timeout(180_000);
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  let running: WorkerProcess[] = [];

  before(async () => {
    env = await testEnv();
  });
  beforeEach(async () => {
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
  });
  afterEach(async () => {
    for (const worker of running) await stopWorkerProcess(worker);
    running = [];
    await server.close();
  });

  const windows = async () =>
    (await anchorWindowModel(env.runtime.connection)
      .collection.find({})
      .sort({ _id: 1 })
      .toArray()) as AnchorWindowDoc[];
  const proofOf = (eventId: string) =>
    http(server.baseUrl, "GET", `/api/events/${eventId}/proof`, { key: server.adminKey });
  const worker = (extra: Record<string, string> = {}) => {
    const started = spawnWorker({ ...childChainEnv(env), ...extra });
    running.push(started);
    return started;
  };

  /** What the database must show right after the kill, proving the fault hit the intended step. */
  const stateAtCrash: Record<(typeof ANCHOR_FAULTS)[number], (window: AnchorWindowDoc) => Promise<void>> = {
    "exit-after-claimed": async (window) => {
      expect(window.state).to.equal("claiming");
      expect(window.root).to.equal(null);
      const claimed = await traceEventModel(env.runtime.connection).collection.countDocuments({
        "anchor.windowId": window._id,
      });
      expect(claimed).to.equal(6);
    },
    "exit-after-recorded": async (window) => {
      expect(window).to.include({ state: "recorded", leafCount: 6 });
      expect(window.attempts).to.have.length(0);
    },
    "exit-after-submitted": async (window) => {
      expect(window.state).to.equal("submitted");
      expect(window.attempts).to.have.length(1);
      // Stored before it was broadcast: the node has never seen it.
      expect(await env.runtime.chain.provider.getTransaction(window.txHash!)).to.equal(null);
    },
    "exit-after-broadcast": async (window) => {
      expect(window.state).to.equal("submitted");
      expect(await env.runtime.chain.provider.getTransaction(window.txHash!)).to.not.equal(null);
    },
    "exit-after-confirmed": async (window) => {
      expect(window.state).to.equal("confirmed");
      const marked = await traceEventModel(env.runtime.connection).collection.countDocuments({
        "anchor.root": window.root,
      });
      expect(marked, "events are marked after confirmation").to.equal(0);
    },
  };

  it("anchors every event exactly once across kill -9 at random moments while events keep coming", async () => {
    const batch = await createBatch(server, producer);
    for (let round = 0; round < 4; round++) {
      const victim = worker({ ANCHOR_INTERVAL_MS: "100" });
      await waitFor("the worker to hold the lease", () =>
        victim.output().includes("holding the anchoring lease"),
      );
      await recordEvents(server, producer, batch.id, 2 + Math.floor(Math.random() * 4));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 400));
      victim.child.kill("SIGKILL");
      await victim.exited;
    }
    const clean = worker();
    await waitUntilAllAnchored(env.runtime.connection);
    await stopWorkerProcess(clean);
    const { windows: all, events } = await assertAnchoredExactlyOnce(
      env.runtime.connection,
      env.runtime.chain,
      proofOf,
    );
    expect(events.length).to.be.at.least(9);
    expect(all.filter((window) => window.state === "completed").length).to.be.at.least(1);
  });

  for (const fault of ANCHOR_FAULTS) {
    it(`anchors every event exactly once after a kill -9 ${fault.replace("exit-", "")}`, async () => {
      const batch = await createBatch(server, producer);
      await recordEvents(server, producer, batch.id, 5);

      const faulty = worker({ ANCHOR_FAULT: fault });
      const exit = await faulty.exited;
      expect(exit.signal, faulty.output()).to.equal("SIGKILL");
      expect(faulty.output()).to.include(`ANCHOR_FAULT ${fault}`);
      const [crashed, ...others] = await windows();
      expect(others, "one window at the crash").to.have.length(0);
      await stateAtCrash[fault](crashed);

      // The service keeps accepting events while no worker runs.
      await recordEvents(server, producer, batch.id, 3);
      const clean = worker();
      await waitUntilAllAnchored(env.runtime.connection);
      await stopWorkerProcess(clean);
      expect(clean.output()).to.not.include('"level":50');

      const { windows: all } = await assertAnchoredExactlyOnce(
        env.runtime.connection,
        env.runtime.chain,
        proofOf,
      );
      const completed = all.filter((window) => window.state === "completed");
      if (fault === "exit-after-claimed") {
        // The window never got a root: abandoned, its events anchored with the later ones.
        expect(all.find((window) => window._id.equals(crashed._id))?.state).to.equal("abandoned");
        expect(completed.map((window) => window.leafCount)).to.deep.equal([9]);
      } else {
        // The crashed window itself was finished, with the same root and leaf set.
        const finished = completed.find((window) => window._id.equals(crashed._id))!;
        expect(finished).to.include({ root: crashed.root, leafCount: 6 });
        expect(completed.map((window) => window.leafCount)).to.deep.equal([6, 3]);
        if (fault === "exit-after-submitted" || fault === "exit-after-broadcast") {
          // The stored signed transaction was (re)broadcast, not a second one sent.
          expect(finished.attempts).to.have.length(1);
          expect(finished.txHash).to.equal(crashed.txHash);
        }
      }
    });
  }
});
