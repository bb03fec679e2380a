import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "chai";
import { Wallet } from "ethers";
import { findFreePort } from "../../server/platform/net/free-port";
import { entryPointArgs } from "../helpers/entry-point";
import { http } from "../helpers/http";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";

describe("npm start (embedded defaults)", function () {
  this.timeout(180_000);
  let dataDir: string;
  let running: ServiceProcess | undefined;

  before(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-start-"))));
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGTERM");
      await running.exited;
    }
    running = undefined;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function start(port: number): Promise<ServiceProcess> {
    running = spawnService({ DATA_DIR: dataDir, PORT: String(port) });
    await waitUntilServing(running);
    return running;
  }

  it("serves a healthy service, then keeps registry, chain state and admin key across kill -9", async () => {
    const port = await findFreePort();
    const first = await start(port);
    const baseUrl = `http://127.0.0.1:${port}`;
    const healthy = await http(baseUrl, "GET", "/healthz");
    expect(healthy.status).to.equal(200);
    expect(healthy.body).to.include({ status: "ok", db: "ok" });

    const chainJson = JSON.parse(fs.readFileSync(path.join(dataDir, "chain.json"), "utf8"));
    expect(chainJson).to.have.keys("rpcUrl", "chainId", "registry", "deployBlock", "admin");
    expect(chainJson.registry).to.equal(healthy.body.chain.registry);
    // The registry admin is its own key, apart from the service signer (decision 0014).
    for (const name of ["admin-key", "service-key"]) {
      expect(fs.statSync(path.join(dataDir, "chain", name)).mode & 0o777).to.equal(0o600);
    }
    const registryAdminKey = fs.readFileSync(path.join(dataDir, "chain", "admin-key"), "utf8").trim();
    expect(new Wallet(registryAdminKey).address).to.equal(chainJson.admin);
    expect(registryAdminKey).to.not.equal(
      fs.readFileSync(path.join(dataDir, "chain", "service-key"), "utf8").trim(),
    );
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, "db.json"), "utf8")).uri).to.match(
      /^mongodb:\/\/127\.0\.0\.1:/,
    );
    const keyFile = path.join(dataDir, "admin-api-key");
    expect(fs.statSync(keyFile).mode & 0o777).to.equal(0o600);
    const adminKey = fs.readFileSync(keyFile, "utf8").trim();
    expect(first.output()).to.include(`Admin API key: ${adminKey}`);
    await checkConsoleLogin(baseUrl, first.output());

    first.child.kill("SIGKILL");
    await first.exited;

    const second = await start(port);
    const again = await http(baseUrl, "GET", "/healthz");
    expect(again.status).to.equal(200);
    expect(again.body.chain.registry).to.equal(chainJson.registry);
    expect(again.body.chain.blockNumber).to.be.at.least(healthy.body.chain.blockNumber);
    expect(fs.readFileSync(keyFile, "utf8").trim()).to.equal(adminKey);
    expect(second.output()).to.not.include("Admin API key:");
    expect(second.output()).to.not.include("Console login");

    second.child.kill("SIGTERM");
    expect(await second.exited).to.equal(0);
  });

  /** The console login printed once works, and `npm run admin -- reset-password` replaces it. */
  async function checkConsoleLogin(baseUrl: string, output: string): Promise<void> {
    const [, email, password] = /Console login \(.*\/console\): (\S+) \/ (\S+)/.exec(output) ?? [];
    expect(email, output).to.equal("admin@ecotrace.local");
    const login = await http(baseUrl, "POST", "/api/session", { json: { email, password } });
    expect(login.status, login.text).to.equal(200);
    expect(login.body.organization.roles).to.deep.equal(["admin"]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...entryPointArgs("scripts/admin.ts"), "reset-password", email],
      {
        cwd: path.resolve(__dirname, "../.."),
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
      },
    );
    const reset = JSON.parse(stdout) as { password: string };
    expect((await http(baseUrl, "POST", "/api/session", { json: { email, password } })).status).to.equal(401);
    const relogin = await http(baseUrl, "POST", "/api/session", {
      json: { email, password: reset.password },
    });
    expect(relogin.status, relogin.text).to.equal(200);
  }

  it("exits non-zero with a readable message when the configuration is invalid", async () => {
    running = spawnService({ DATA_DIR: dataDir, PORT: "not-a-port" });
    expect(await running.exited).to.not.equal(0);
    expect(running.output()).to.match(/Invalid configuration:\n\s+- PORT: /);
  });

  it("exits non-zero naming MongoDB when MONGODB_URI cannot be reached", async () => {
    const deadPort = await findFreePort();
    running = spawnService({ DATA_DIR: dataDir, MONGODB_URI: `mongodb://127.0.0.1:${deadPort}/ecotrace` });
    expect(await running.exited).to.not.equal(0);
    expect(running.output()).to.include(`cannot reach MongoDB at mongodb://127.0.0.1:${deadPort}/ecotrace`);
  });
});
