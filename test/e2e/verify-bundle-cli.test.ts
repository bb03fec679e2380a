import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { startWorker } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { anchoredSplitBatch, type ProofBundleScenario } from "../helpers/proof-bundle-scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { entryPointArgs } from "../helpers/entry-point";

const ROOT = path.resolve(__dirname, "../..");

/** Runs `npm run verify-bundle`'s script as its own process: no service, no database. */
function verifyBundle(file: string, rpcUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...entryPointArgs("scripts/verify-bundle.ts"), file, "--rpc", rpcUrl],
      { cwd: ROOT, env: { PATH: process.env.PATH } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("npm run verify-bundle (proof bundles checked by a process of its own)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let dir: string;
  let rpcUrl: string;
  let auditor: ProofBundleScenario["auditor"];
  let subject: ProofBundleScenario["subject"];
  let publicBundle: ProofBundleScenario["publicBundle"];

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    rpcUrl = env.runtime.chain.provider._getConnection().url;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-bundles-"));
    ({ auditor, subject, publicBundle } = await anchoredSplitBatch(server));
  });
  after(async () => {
    // Also after a failed before(): a server left listening would hold the run open.
    await worker?.stop();
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, bundle: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof bundle === "string" ? bundle : JSON.stringify(bundle, null, 2));
    return file;
  };

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
