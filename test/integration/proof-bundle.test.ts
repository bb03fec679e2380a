import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { computeCommitment } from "../../server/modules/ledger/domain/disclosure";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { leafOf } from "../../server/modules/verification/domain/proof-bundle-verify";
import { startWorker } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { anchoredSplitBatch, type ProofBundleScenario } from "../helpers/proof-bundle-scenario";
import { createOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/** The verify-bundle CLI's side (a process of its own) is in test/e2e/verify-bundle-cli.test.ts. */
describe("proof bundles (GET /api/batches/:id/proof-bundle)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: ProofBundleScenario["farm"];
  let factory: ProofBundleScenario["factory"];
  let auditor: ProofBundleScenario["auditor"];
  let subject: ProofBundleScenario["subject"];
  let harvest: ProofBundleScenario["harvest"];
  let publicBundle: ProofBundleScenario["publicBundle"];

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    ({ farm, factory, auditor, subject, harvest, publicBundle } = await anchoredSplitBatch(server));
  });
  after(async () => {
    // Also after a failed before(): a server left listening would hold the run open.
    await worker?.stop();
    await server?.close();
  });

  describe("the bundle", () => {
    it("is public and holds every event of the batch and its input with body, salt, hash and Merkle proof", async () => {
      expect(publicBundle.format).to.equal("ecotrace-proof-bundle/2");
      expect(publicBundle.chain).to.deep.equal({
        chainId: Number(env.runtime.chain.chainId),
        registry: env.runtime.chain.registryAddress.toLowerCase(),
      });
      const batches = publicBundle.batches as { batchId: string; relation: string }[];
      expect(batches.map((batch) => [batch.batchId, batch.relation])).to.deep.equal([
        [subject.id, "subject"],
        [harvest.id, "input"],
      ]);
      for (const event of publicBundle.events) {
        expect(computeEventHash(event.body), event.eventId).to.equal(event.hash);
        expect(event.body.salt).to.match(/^0x[0-9a-f]{64}$/);
        expect(event.anchor, `event ${event.eventId} anchored`).to.not.equal(null);
        const onChain = await env.runtime.chain.registry.verifyLeaf(
          event.anchor!.root,
          event.anchor!.proof,
          leafOf(event.hash),
        );
        expect(onChain).to.equal(true);
      }
      const anchors = publicBundle.anchors as { txHash: string; blockNumber: number }[];
      expect(anchors.length).to.be.at.least(1);
      const receipt = await env.runtime.chain.provider.getTransactionReceipt(anchors[0].txHash);
      expect(receipt?.blockNumber).to.equal(anchors[0].blockNumber);
    });

    it("discloses private fields only as commitments", () => {
      const text = JSON.stringify(publicBundle);
      // As JSON values: "880" alone also turns up inside random hex (salts, hashes).
      expect(text).to.not.include("30.64").and.not.include("119.68").and.not.include('"amount":880');
      const harvestEvents = publicBundle.events.filter((event) => event.body.batchId === harvest.id);
      const origin = (harvestEvents[0].body.data as { origin: { location: unknown } }).origin;
      expect(origin.location).to.have.keys("@commitment");
      // The split child inherits the sealing: its commissioning copies the parent's origin.
      const childOrigin = (
        publicBundle.events.find((event) => event.body.batchId === subject.id && event.body.seq === 1)!.body
          .data as { origin: { location: unknown } }
      ).origin;
      expect(childOrigin.location).to.have.keys("@commitment");
      expect(publicBundle).to.not.have.property("openings");
    });

    it("with /full, gives the sealing producer and auditors the openings, and no one else", async () => {
      const mine = await http(server.baseUrl, "GET", `/api/batches/${harvest.id}/proof-bundle/full`, {
        key: farm.key,
      });
      expect(mine.status, mine.text).to.equal(200);
      const openings = mine.body.openings as {
        pointer: string;
        salt: string;
        value: unknown;
        eventId: string;
      }[];
      expect(openings.map((opening) => opening.pointer).sort()).to.deep.equal([
        "/data/origin/location",
        "/data/price",
      ]);
      const price = openings.find((opening) => opening.pointer === "/data/price")!;
      expect(price.value).to.deep.equal({ amount: 880, currency: "CNY" });
      const event = (mine.body.events as { eventId: string; body: { data: { price: unknown } } }[]).find(
        (item) => item.eventId === price.eventId,
      )!;
      expect(event.body.data.price).to.deep.equal({
        "@commitment": computeCommitment(price.salt, price.value),
      });

      const audited = await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle/full`, {
        key: auditor.key,
      });
      expect(audited.body.openings.length).to.equal(3);
      // The factory holds the child batch but sealed nothing: it sees no private values.
      const holder = await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle/full`, {
        key: factory.key,
      });
      expect(holder.status).to.equal(200);
      expect(holder.body.openings).to.deep.equal([]);
      const stranger = await createOrg(server, "无关合作社", ["producer"]);
      expect(
        (
          await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle/full`, {
            key: stranger.key,
          })
        ).status,
      ).to.equal(404);
      expect(
        (await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle/full`)).status,
      ).to.equal(401);
    });
  });
});
