import { expect } from "chai";
import {
  anchorWindowModel,
  type AnchorWindowDoc,
} from "../../server/modules/anchoring/data/anchor-window.model";
import { leaseId, leaseModel, type LeaseDoc } from "../../server/modules/anchoring/data/lease.model";
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
import { createBatch, createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv } from "../helpers/test-env";

/** Two `npm run worker` processes sharing one lease (the in-process Lease tests are in integration/lease.test.ts). */
describe("anchoring lease", function () {
  this.timeout(180_000);
  let env: TestEnv;

  before(async () => {
    env = await testEnv();
  });
  beforeEach(() => clearDatabase(env));

  const leaseDoc = async () =>
    (await leaseModel(env.runtime.connection).collection.findOne({
      _id: leaseId("anchoring"),
    })) as LeaseDoc | null;

  describe("two worker processes", () => {
    let workers: WorkerProcess[] = [];
    afterEach(async () => {
      for (const worker of workers) await stopWorkerProcess(worker);
      workers = [];
    });

    it("anchor through one lease holder; the standby takes over after the holder is killed", async () => {
      const server = await startTestServer(env);
      try {
        const producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
        const batch = await createBatch(server, producer);
        workers = [spawnWorker(childChainEnv(env)), spawnWorker(childChainEnv(env))];
        const holder = await waitFor("a lease holder", async () => (await leaseDoc())?.holder);
        const holderPid = Number(holder.split(":")[1]);
        const [leader, standby] =
          workers[0].child.pid === holderPid ? [workers[0], workers[1]] : [workers[1], workers[0]];
        expect(leader.child.pid).to.equal(holderPid);

        await recordEvents(server, producer, batch.id, 6);
        await waitUntilAllAnchored(env.runtime.connection);
        const before = (await anchorWindowModel(env.runtime.connection)
          .collection.find({})
          .toArray()) as AnchorWindowDoc[];
        expect(before.length).to.be.at.least(1);
        expect(new Set(before.map((window) => window.holder))).to.deep.equal(new Set([holder]));
        expect(standby.output()).to.not.include("window recorded");
        const firstToken = (await leaseDoc())!.token;

        leader.child.kill("SIGKILL");
        await leader.exited;
        await recordEvents(server, producer, batch.id, 4);
        const successor = await waitFor("the standby to take the lease", async () => {
          const lease = await leaseDoc();
          return lease?.holder && lease.holder !== holder ? lease : undefined;
        });
        expect(Number(successor.holder!.split(":")[1])).to.equal(standby.child.pid);
        expect(successor.token).to.be.above(firstToken);
        await waitUntilAllAnchored(env.runtime.connection);

        const proofOf = (eventId: string) =>
          http(server.baseUrl, "GET", `/api/events/${eventId}/proof`, { key: server.adminKey });
        const { windows } = await assertAnchoredExactlyOnce(
          env.runtime.connection,
          env.runtime.chain,
          proofOf,
        );
        const after = windows.filter((window) => !before.some((earlier) => earlier._id.equals(window._id)));
        expect(after.length).to.be.at.least(1);
        expect(new Set(after.map((window) => window.holder))).to.deep.equal(new Set([successor.holder]));
        expect(after.reduce((sum, window) => sum + window.leafCount, 0)).to.equal(4);
      } finally {
        await server.close();
      }
    });
  });
});
