import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestServer } from "../helpers/test-env";
import { entryPointArgs } from "../helpers/entry-point";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(ROOT, "test/fixtures/import");

/** Runs `npm run import --` 's entry point as its own process. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...entryPointArgs("scripts/import.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("npm run import", () => {
  let server: TestServer;
  let farm: TestOrg;
  let dir: string;
  before(async () => {
    const env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-import-cli-"));
    fs.writeFileSync(path.join(dir, "key.txt"), `${farm.key}\n`);
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const online = () => ["--url", server.baseUrl, "--key-file", path.join(dir, "key.txt"), "--poll-ms", "50"];

  it("checks a file offline, without the service, reporting every malformed row", async () => {
    const result = await runCli([path.join(FIXTURES, "with-errors.csv"), "--dry-run"]);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.include("rows have problems; nothing was stored:");
    expect(result.stderr).to.include("row 2, gtin: check digit must be 2, not 3");
    expect(result.stderr).to.include("row 11, data: must be a JSON object");
    // Lots, permissions and quantities need the service.
    expect(result.stderr).to.not.include("UNKNOWN_BATCH");
  });

  it("writes a template that is valid offline and against the service", async () => {
    const template = path.join(dir, "template.csv");
    const written = await runCli(["--template", template]);
    expect(written.code).to.equal(0);
    const offline = await runCli([template, "--dry-run"]);
    expect(offline.code, offline.stderr).to.equal(0);
    expect(offline.stdout).to.include("3 rows are well-formed");
    const checked = await runCli([template, "--dry-run", ...online()]);
    expect(checked.code, checked.stderr).to.equal(0);
    expect(checked.stdout).to.include("3 rows are valid: 1 batch and 2 events would be stored");
  });

  it("reports the service's row problems on a dry run", async () => {
    const result = await runCli([path.join(FIXTURES, "with-errors.csv"), "--dry-run", ...online()]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include("row 6: no batch of yours has lot NO-SUCH-LOT [UNKNOWN_BATCH]");
  });

  it("imports a file, printing a summary, and never imports it twice", async () => {
    const file = path.join(dir, "harvest.csv");
    fs.copyFileSync(path.join(FIXTURES, "harvest.csv"), file);
    const first = await runCli([file, ...online()]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(
      /harvest\.csv: imported 6 rows: 2 batches and 4 events \(import [0-9a-f]{24}\)/,
    );
    const second = await runCli([file, ...online()]);
    expect(second.code).to.equal(0);
    expect(second.stdout).to.include("already imported 6 rows: 2 batches and 4 events");
  });

  it("needs a key to upload, and says how to check offline", async () => {
    const result = await runCli([path.join(FIXTURES, "harvest.csv")]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include(
      "--key or --key-file is needed to upload (or check offline with --dry-run)",
    );
  });
});
