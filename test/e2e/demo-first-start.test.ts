import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { findFreePort } from "../../server/platform/net/free-port";
import { waitFor } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { spawnService, waitUntilServing, type ServiceProcess } from "../helpers/service-process";

/** Log lines (pino JSON) of a spawned service with the given message prefix. */
function logLines(service: ServiceProcess, prefix: string): Record<string, unknown>[] {
  return service
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => String(entry.msg).startsWith(prefix));
}

describe("npm start with DEMO_SEED on an empty embedded database", function () {
  this.timeout(240_000);
  let dataDir: string;
  let running: ServiceProcess | undefined;

  before(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-demo-start-"))));
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGTERM");
      await running.exited;
    }
    running = undefined;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function start(port: number): Promise<ServiceProcess> {
    const baseUrl = `http://127.0.0.1:${port}`;
    running = spawnService({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_BASE_URL: baseUrl,
      DEMO_SEED: "true",
      LOG_LEVEL: "info",
    });
    await waitUntilServing(running);
    return running;
  }

  it("seeds the demo in the background once and logs its pages; the next start leaves the data alone", async () => {
    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const first = await start(port);
    expect((await http(baseUrl, "GET", "/healthz")).status, "serves while seeding").to.equal(200);
    await waitFor(
      "the first-start demo seed to finish",
      () => {
        const [failure] = logLines(first, "the demo seed failed");
        if (failure) throw new Error(`the demo seed failed: ${JSON.stringify(failure.err)}`);
        return logLines(first, "demo data seeded").length > 0;
      },
      { timeoutMs: 180_000 },
    );
    const pages = logLines(first, "demo consumer page");
    expect(pages.map((page) => page.verdict)).to.deep.equal(["verified", "revoked", "recalled"]);
    for (const page of pages) {
      expect(String(page.url).startsWith(`${baseUrl}/01/`)).to.equal(true);
      const verify = await http(baseUrl, "GET", `/api/verify/${page.publicId}`);
      expect(verify.body.verdict, String(page.url)).to.equal(page.verdict);
      // Last spring's season, in the order it happened; nothing dated after today.
      const view = await http(baseUrl, "GET", new URL(String(page.url)).pathname, {
        headers: { accept: "application/json" },
      });
      const journey = view.body.journey as { type: string; eventTime: string }[];
      const times = journey.map((entry) => Date.parse(entry.eventTime));
      expect(times, String(page.url)).to.deep.equal([...times].sort((a, b) => a - b));
      expect(Math.max(...times)).to.be.at.most(Date.now());
      expect(journey[0].type).to.equal("commissioning");
      expect(journey[0].eventTime.slice(0, 10)).to.equal(view.body.origin.harvestedAt);
      expect(journey[0].eventTime).to.match(/\+08:00$/);
    }
    expect(fs.existsSync(path.join(dataDir, "demo", "qr-mingqianTea.png"))).to.equal(true);
    const adminKey = fs.readFileSync(path.join(dataDir, "admin-api-key"), "utf8").trim();
    const orgsAfterSeed = (await http(baseUrl, "GET", "/api/orgs", { key: adminKey })).body.items.length;
    expect(orgsAfterSeed).to.equal(8);

    first.child.kill("SIGTERM");
    expect(await first.exited).to.equal(0);

    const second = await start(port);
    await waitFor("the second start to decide about the demo seed", () =>
      second.output().includes("demo seed skipped: the database already holds organizations"),
    );
    expect(logLines(second, "first start with an empty database")).to.have.length(0);
    expect((await http(baseUrl, "GET", "/api/orgs", { key: adminKey })).body.items).to.have.length(
      orgsAfterSeed,
    );
  });
});
