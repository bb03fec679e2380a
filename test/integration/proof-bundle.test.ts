import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { computeCommitment } from "../../server/modules/ledger/domain/disclosure";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { leafOf } from "../../server/modules/verification/domain/proof-bundle-verify";
import { startWorker } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { licensedBrand } from "../helpers/brand-scenario";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, recordInspection } from "../helpers/verification";

const ROOT = path.resolve(__dirname, "../..");

/** Runs `npm run verify-bundle`'s script as its own process: no service, no database. */
function verifyBundle(file: string, rpcUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/verify-bundle.ts", file, "--rpc", rpcUrl],
      { cwd: ROOT, env: { PATH: process.env.PATH } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("proof bundles (GET /api/batches/:id/proof-bundle, npm run verify-bundle)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let factory: TestOrg;
  let auditor: TestOrg;
  let dir: string;
  let rpcUrl: string;
  /** A tea batch split from a harvest batch: private price and coordinates, all anchored. */
  let subject: { id: string; lot: string };
  let harvest: { id: string };
  let publicBundle: Record<string, unknown> & {
    events: {
      eventId: string;
      hash: string;
      body: Record<string, unknown>;
      anchor: { root: string; proof: string[] } | null;
    }[];
  };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    rpcUrl = env.runtime.chain.provider._getConnection().url;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-bundles-"));
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
    auditor = await createOrg(server, "市场监督管理局", ["auditor"]);
    harvest = await createBatch(server, farm, {
      brand: await licensedBrand(server, farm),
      private: ["/data/origin/location"],
    });
    await recordInspection(server, farm, harvest.id, {
      data: { price: { amount: 880, currency: "CNY" } },
      private: ["/data/price"],
    });
    const offered = await http(server.baseUrl, "POST", `/api/batches/${harvest.id}/transfers`, {
      key: farm.key,
      json: { to: factory.id, quantity: { value: 100, unit: "KGM" } },
    });
    expect(offered.status, offered.text).to.equal(201);
    const accepted = await http(server.baseUrl, "POST", `/api/transfers/${offered.body.transfer.id}/accept`, {
      key: factory.key,
      json: {},
    });
    expect(accepted.status, accepted.text).to.equal(200);
    const child = await http(server.baseUrl, "GET", `/api/batches/${offered.body.transfer.batchId}`, {
      key: factory.key,
    });
    subject = child.body;
    await anchorNow(server);
    const response = await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle`);
    expect(response.status, response.text).to.equal(200);
    publicBundle = response.body;
  });
  after(async () => {
    await worker.stop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, bundle: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof bundle === "string" ? bundle : JSON.stringify(bundle, null, 2));
    return file;
  };

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
      ).to.equal(403);
      expect(
        (await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle/full`)).status,
      ).to.equal(401);
    });
  });

  describe("npm run verify-bundle", () => {
    // These run after the service's database is gone: only the bundle file and an RPC endpoint.
    let auditedFile: string;
    let publicFile: string;
    before(async () => {
      const audited = await http(server.baseUrl, "GET", `/api/batches/${subject.id}/proof-bundle/full`, {
        key: auditor.key,
      });
      auditedFile = write("audited.json", audited.text);
      publicFile = write("public.json", publicBundle);
      await worker.stop();
      await clearDatabase(env);
      for (const collection of await env.runtime.connection.db!.collections()) {
        expect(await collection.countDocuments(), collection.collectionName).to.equal(0);
      }
    });

    it("verifies a bundle against the chain after the service's database was deleted", async () => {
      const { code, output } = await verifyBundle(publicFile, rpcUrl);
      expect(output).to.include("verdict: VERIFIED");
      expect(output).to.match(/\[ok {2}\] on-chain: \d+ root\(s\) anchored on chain/);
      expect(output).to.include(`lot ${subject.lot}`);
      expect(code, output).to.equal(0);
    });

    it("verifies disclosed private values in a full bundle", async () => {
      const { code, output } = await verifyBundle(auditedFile, rpcUrl);
      expect(output).to.include("[ok  ] disclosure: 3 private value(s) open their commitments");
      expect(code, output).to.equal(0);
    });

    it("fails, and says where, for a bundle with one changed byte in an event body", async () => {
      const text = fs.readFileSync(publicFile, "utf8");
      const at = text.indexOf('"农药残留"');
      expect(at).to.be.above(0);
      // "0.01" → "0.02" in the first result value after it
      const valueAt = text.indexOf("0.01", at);
      const changed = `${text.slice(0, valueAt)}0.02${text.slice(valueAt + 4)}`;
      expect(Buffer.from(changed).length).to.equal(Buffer.from(text).length);
      const { code, output } = await verifyBundle(write("changed-body.json", changed), rpcUrl);
      expect(output).to.include("verdict: TAMPERED");
      expect(output).to.match(
        /\[FAIL\] event-hashes: 1 of \d+ event\(s\) do not match their hash: event [0-9a-f]{24} \(inspecting, seq 2\) hashes to 0x/,
      );
      expect(code).to.equal(1);
    });

    it("fails for one changed byte in a Merkle proof, in a root, or in a private value", async () => {
      const cases: [
        string,
        (bundle: typeof publicBundle & { openings?: { value: unknown }[] }) => void,
        RegExp,
      ][] = [
        [
          "proof",
          (bundle) => (bundle.events[0].anchor!.proof[0] = flipLastHex(bundle.events[0].anchor!.proof[0])),
          /\[FAIL\] merkle-proofs: Merkle proof does not reach its root/,
        ],
        [
          "root",
          (bundle) => {
            const anchors = bundle.anchors as { root: string }[];
            const root = flipLastHex(anchors[0].root);
            for (const event of bundle.events)
              if (event.anchor?.root === anchors[0].root) event.anchor.root = root;
            anchors[0].root = root;
          },
          /\[FAIL\] on-chain: root 0x[0-9a-f]{64} of event .* is not anchored on chain/,
        ],
        [
          "opening",
          (bundle) => (bundle.openings![0].value = { lat: 30.65, lon: 119.68 }),
          /\[FAIL\] disclosure: value and salt given for \/data\/origin\/location hash to/,
        ],
      ];
      for (const [name, change, explanation] of cases) {
        const bundle = JSON.parse(fs.readFileSync(name === "opening" ? auditedFile : publicFile, "utf8"));
        change(bundle);
        const { code, output } = await verifyBundle(write(`changed-${name}.json`, bundle), rpcUrl);
        expect(output, name).to.include("verdict: TAMPERED");
        expect(output, name).to.match(explanation);
        expect(code, name).to.equal(1);
      }
    });

    it("explains a malformed bundle and an unreachable RPC", async () => {
      const truncated = fs.readFileSync(publicFile, "utf8").slice(0, 500);
      const malformed = await verifyBundle(write("truncated.json", truncated), rpcUrl);
      expect(malformed.output).to.match(/is not a readable JSON document/);
      expect(malformed.code).to.equal(1);
      const unreachable = await verifyBundle(publicFile, "http://127.0.0.1:9");
      expect(unreachable.output).to.include("verdict: PENDING");
      expect(unreachable.output).to.include("could not be reached");
      expect(unreachable.code).to.equal(2);
    });
  });
});

function flipLastHex(hex: string): string {
  return `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
}
