import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { entryPointArgs } from "../helpers/entry-point";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

describe("npm run admin (operator CLI)", function () {
  this.timeout(120_000);
  let dataDir: string;
  before(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-admin-"))));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const admin = (...args: string[]) =>
    run(process.execPath, [...entryPointArgs("scripts/admin.ts"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    });

  it("creates an organization with a key, lists it, and revokes the key", async () => {
    const created = JSON.parse(
      (await admin("create-org", "--name", "安吉县白茶合作社", "--roles", "producer")).stdout,
    );
    expect(created).to.include({ name: "安吉县白茶合作社" });
    expect(created.roles).to.deep.equal(["producer"]);
    expect(created.apiKey).to.match(/^et_/);
    const orgs = JSON.parse((await admin("list-orgs")).stdout);
    expect(orgs.map((org: { id: string }) => org.id)).to.include(created.id);
    const keys = JSON.parse((await admin("list-keys", created.id)).stdout);
    expect(keys).to.have.length(1);
    expect(keys[0].revokedAt).to.equal(null);
    const revoked = JSON.parse((await admin("revoke-key", created.id, created.keyId)).stdout);
    expect(revoked.revokedAt).to.be.a("string");
  });

  it("refuses an unknown role with the allowed choices", async () => {
    try {
      await admin("create-org", "--name", "x", "--roles", "farmer");
      expect.fail("the CLI accepted an unknown role");
    } catch (error) {
      const failure = error as { code: number; stderr: string };
      expect(failure.code).to.not.equal(0);
      expect(failure.stderr).to.include("Allowed choices are producer");
    }
  });
});
