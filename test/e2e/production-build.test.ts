import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { findFreePort } from "../../server/platform/net/free-port";
import { childChainEnv } from "../helpers/anchoring";
import { findUncompiledSource } from "../helpers/entry-point";
import { http } from "../helpers/http";
import { createBatch, createOrg } from "../helpers/scenario";
import { spawnServiceFrom, waitUntilServing, type ServiceProcess } from "../helpers/service-process";
import { testEnv } from "../helpers/test-env";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
/** What a runtime image holds (Dockerfile): the lockfile's overrides point at tools/empty-package. */
const SHIPPED = ["package.json", "package-lock.json", "dist", "console/dist", "tools/empty-package"];

/** Runs `step`, printing how long it took: the timings are part of what this test reports. */
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  console.log(`      ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

describe("production build (npm run build; npm ci --omit=dev; node dist/server/main/start.js)", function () {
  this.timeout(600_000);
  let installDir: string;
  let dataDir: string;
  let running: ServiceProcess | undefined;

  before(async () => {
    const stale = findUncompiledSource();
    if (stale)
      await timed(`npm run build (dist/ older than ${stale})`, () =>
        run("npm", ["run", "build"], { cwd: ROOT }),
      );
    else console.log("      npm run build: skipped, dist/ is current (npm test builds first)");

    installDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-prod-"));
    for (const item of SHIPPED)
      fs.cpSync(path.join(ROOT, item), path.join(installDir, item), { recursive: true });
    await timed("npm ci --omit=dev", () =>
      run("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], { cwd: installDir, maxBuffer: 16 << 20 }),
    );
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-prod-data-"));
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGTERM"); // a graceful stop also stops its embedded anvil node
      await running.exited;
    }
    running = undefined;
  });
  after(() => {
    for (const dir of [installDir, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startProduction(env: Record<string, string>): Promise<string> {
    const port = await findFreePort();
    running = spawnServiceFrom(installDir, ["dist/server/main/start.js"], { PORT: String(port), ...env });
    await waitUntilServing(running);
    return `http://127.0.0.1:${port}`;
  }

  async function stopProduction(): Promise<void> {
    running!.child.kill("SIGTERM");
    expect(await running!.exited, running!.output()).to.equal(0);
  }

  it("installs without TypeScript, ts-node, Hardhat or solc", async () => {
    for (const devTool of ["typescript", "ts-node", "hardhat", "solc"]) {
      const resolving = run(process.execPath, ["-e", `require.resolve(${JSON.stringify(devTool)})`], {
        cwd: installDir,
      });
      const failure = await resolving.then(
        () => new Error(`${devTool} is installed`),
        (error: Error) => error,
      );
      expect(failure.message).to.include(`Cannot find module '${devTool}'`);
    }
  });

  it("logs JSON where pretty logs were asked for (a terminal): pino-pretty is a development tool", async () => {
    const logging =
      "require('./dist/server/platform/logger').createLogger('info', { pretty: true }).info('hello')";
    const { stdout } = await run(process.execPath, ["-e", logging], { cwd: installDir });
    expect(JSON.parse(stdout)).to.include({ msg: "hello", service: "ecotrace" });
  });

  it("builds a large Merkle tree in its worker thread, which loads compiled JavaScript", async () => {
    const building = `
      const { buildMerkleTreeOffThread, MERKLE_OFF_THREAD_THRESHOLD } = require("./dist/server/platform/crypto/merkle-off-thread");
      const { buildMerkleTree } = require("./dist/server/platform/crypto/merkle");
      const leaves = Array.from({ length: MERKLE_OFF_THREAD_THRESHOLD }, (_, i) => "0x" + i.toString(16).padStart(64, "0"));
      buildMerkleTreeOffThread(leaves).then((tree) => console.log(tree.root === buildMerkleTree(leaves).root));`;
    const { stdout } = await run(process.execPath, ["-e", building], { cwd: installDir });
    expect(stdout.trim()).to.equal("true");
  });

  it("serves on embedded defaults: health, an organization, a batch, its label sheet and the console; exits cleanly", async () => {
    const baseUrl = await timed("start on embedded defaults until serving", () =>
      startProduction({ DATA_DIR: dataDir }),
    );
    const healthy = await http(baseUrl, "GET", "/healthz");
    expect(healthy.status, healthy.text).to.equal(200);
    expect(healthy.body).to.include({ status: "ok", db: "ok" });

    const server = { baseUrl, adminKey: fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim() };
    const farm = await createOrg(server, "安吉县溪龙乡白茶合作社", ["producer"]);
    const batch = await createBatch(server, farm);
    const labels = await fetch(`${baseUrl}/api/batches/${batch.id}/labels.pdf?count=1`, {
      headers: { authorization: `Bearer ${farm.key}` },
    });
    expect(labels.status).to.equal(200);
    const pdf = Buffer.from(await labels.arrayBuffer()).toString("latin1");
    expect(pdf).to.match(/\/BaseFont \/[A-Z]{6}\+NotoSans\w*-Regular/);

    // The console's own build, from the installed copy: its page with a nonce and the assets it names.
    const page = await fetch(`${baseUrl}/console/`);
    const html = await page.text();
    expect(page.status, html).to.equal(200);
    const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce, "the console's CSP nonce").to.be.a("string");
    expect(html).to.include(`nonce="${nonce}"`);
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets, "assets the console page names").to.not.be.empty;
    for (const asset of assets) expect((await fetch(`${baseUrl}${asset}`)).status, asset).to.equal(200);

    await timed("SIGTERM until exit", stopProduction);
  });

  it("serves with MONGODB_URI and RPC_URL (a database and chain it did not start)", async () => {
    const external = childChainEnv(await testEnv());
    const baseUrl = await timed("start with MONGODB_URI and RPC_URL until serving", () =>
      startProduction({
        DATA_DIR: fs.mkdtempSync(path.join(dataDir, "external-")),
        ANCHOR_WORKER: "false", // the test run's own workers anchor in that database
        ...external,
      }),
    );
    const healthy = await http(baseUrl, "GET", "/healthz");
    expect(healthy.status, healthy.text).to.equal(200);
    expect(healthy.body.chain.registry).to.equal(external.REGISTRY_ADDRESS);
    await stopProduction();
  });
});
