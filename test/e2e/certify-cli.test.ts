import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { encryptKeystoreJsonSync, verifyTypedData, Wallet } from "ethers";
import { createCertifier, fundWallet, type TestCertifier } from "../helpers/certification-scenario";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { entryPointArgs } from "../helpers/entry-point";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

describe("npm run certify (certifier CLI)", function () {
  this.timeout(120_000);
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let certifier: TestCertifier;
  let dir: string;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-certify-"));
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const certify = (args: string[], extraEnv: Record<string, string> = {}) =>
    run(process.execPath, [...entryPointArgs("scripts/certify.ts"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...extraEnv },
    });
  const apiArgs = () => ["--api", server.baseUrl, "--api-key", certifier.key];

  async function submitDraft(
    batchId: string,
  ): Promise<{ id: string; certHash: string; status: { state: string } }> {
    const draftFile = path.join(dir, `draft-${batchId}.json`);
    fs.writeFileSync(
      draftFile,
      JSON.stringify({
        subject: { kind: "batch", id: batchId },
        scheme: "organic",
        certificateNumber: `OFDC-${batchId.slice(-6)}`,
        issuedAt: new Date(Date.now() - 3600_000).toISOString(),
        validFrom: new Date(Date.now() - 3600_000).toISOString(),
        validUntil: new Date(Date.now() + 365 * 24 * 3600_000).toISOString().slice(0, 10),
      }),
    );
    const { stdout } = await certify([
      "submit",
      draftFile,
      "--key",
      certifier.wallet.privateKey,
      ...apiArgs(),
    ]);
    return JSON.parse(stdout);
  }

  it("signs a draft with the certifier's key, adds evidence files by SHA-256 and submits it", async () => {
    const batch = await createBatch(server, farm);
    const report = path.join(dir, "inspection-report.pdf");
    fs.writeFileSync(report, "%PDF-1.7 residue test: none detected");
    const draftFile = path.join(dir, "draft.json");
    fs.writeFileSync(
      draftFile,
      JSON.stringify({
        subject: { kind: "batch", id: batch.id },
        scheme: "green-food",
        certificateNumber: "LB-2026-0001",
        issuedAt: "2026-01-05",
        validFrom: "2026-01-05",
        validUntil: "2029-01-04",
        quantityCap: { value: 500, unit: "KGM" },
      }),
    );
    const { stdout } = await certify([
      "submit",
      draftFile,
      "--key",
      certifier.wallet.privateKey,
      "--evidence",
      report,
      ...apiArgs(),
    ]);
    const certification = JSON.parse(stdout);
    expect(certification.certifier).to.equal(certifier.wallet.address.toLowerCase());
    expect(certification.status.state).to.equal("valid");
    expect(certification.quantityCap).to.deep.equal({ value: 500, unit: "KGM" });
    expect(certification.evidence).to.deep.equal([
      `0x${createHash("sha256").update(fs.readFileSync(report)).digest("hex")}`,
    ]);
    expect(certification.validUntil).to.equal("2029-01-04T15:59:59.000Z");
    const { domain, types, message } = certification.typedData;
    expect(verifyTypedData(domain, types, message, certification.signature)).to.equal(
      certifier.wallet.address,
    );
    expect(certification.coverage.map((item: { batchId: string }) => item.batchId)).to.deep.equal([batch.id]);
  });

  it("suspends, reinstates and revokes with a keystore key, through the service's relay", async () => {
    const batch = await createBatch(server, farm);
    const certification = await submitDraft(batch.id);
    const keystore = path.join(dir, "certifier-keystore.json");
    fs.writeFileSync(
      keystore,
      encryptKeystoreJsonSync(
        { address: certifier.wallet.address, privateKey: certifier.wallet.privateKey },
        "s3cret",
        { scrypt: { N: 1024 } },
      ),
    );
    const signer = ["--keystore", keystore, "--password-env", "CERT_PW"];
    const withPassword = { CERT_PW: "s3cret" };

    const suspended = JSON.parse(
      (
        await certify(
          ["suspend", certification.id, "--reason", "audit pending", ...signer, ...apiArgs()],
          withPassword,
        )
      ).stdout,
    );
    expect(suspended.certification.status.state).to.equal("suspended");
    const reinstated = JSON.parse(
      (
        await certify(
          ["reinstate", certification.id, "--reason", "audit passed", ...signer, ...apiArgs()],
          withPassword,
        )
      ).stdout,
    );
    expect(reinstated.certification.status.state).to.equal("valid");
    const revoked = JSON.parse(
      (
        await certify(
          ["revoke", certification.id, "--reason", "fraud", ...signer, ...apiArgs()],
          withPassword,
        )
      ).stdout,
    );
    expect(revoked.certification.status.state).to.equal("revoked");
    expect(revoked.change.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const record = await env.runtime.chain.registry.certificationOf(
      certification.certHash,
      certifier.wallet.address,
    );
    expect(record.status).to.equal(2n);
  });

  it("revokes directly on chain with --direct, paying its own gas", async () => {
    await fundWallet(env, certifier.wallet.address);
    const batch = await createBatch(server, farm);
    const certification = await submitDraft(batch.id);
    const { rpcUrl } = JSON.parse(fs.readFileSync(path.join(env.dataDir, "chain.json"), "utf8"));
    // A revocation writes the record's updatedAt: within the second of the issuance that store
    // changes nothing (100 gas), in any later second it costs 2,900, so a node estimate made in the
    // issuance's second came out 2,800 under the gas the mined transaction used and this check
    // failed while the transaction succeeded. Revoked from the next second, as a certifier would.
    const { issuedAt } = await env.runtime.chain.registry.certificationOf(
      certification.certHash,
      certifier.wallet.address,
    );
    while (Date.now() / 1000 < Number(issuedAt) + 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const { stdout } = await certify([
      "revoke",
      certification.id,
      "--reason",
      "withdrawn",
      "--key",
      certifier.wallet.privateKey,
      "--direct",
      "--rpc",
      rpcUrl,
      ...apiArgs(),
    ]);
    const result = JSON.parse(stdout);
    expect(result.txHash).to.match(/^0x[0-9a-f]{64}$/);
    // Sent with headroom over the node's estimate: the exact estimate once ran out of gas.
    const provider = env.runtime.chain.provider;
    const [sent, receipt] = await Promise.all([
      provider.getTransaction(result.txHash),
      provider.getTransactionReceipt(result.txHash),
    ]);
    expect(receipt!.status).to.equal(1);
    expect(Number(sent!.gasLimit)).to.be.greaterThan(Number(receipt!.gasUsed) * 1.15);
    expect(result.certification.status.state).to.equal("revoked");
    expect(result.certification.statusChanges).to.deep.equal([]);
  });

  it("refuses to sign for a certification another key issued, and reports service errors", async () => {
    const batch = await createBatch(server, farm);
    const certification = await submitDraft(batch.id);
    const stranger = Wallet.createRandom();
    try {
      await certify([
        "revoke",
        certification.id,
        "--reason",
        "x",
        "--key",
        stranger.privateKey,
        ...apiArgs(),
      ]);
      expect.fail("the CLI signed with a key that did not issue the certification");
    } catch (error) {
      const failure = error as { code: number; stderr: string };
      expect(failure.code).to.equal(1);
      expect(failure.stderr).to.include(`not by this key's ${stranger.address}`);
    }
    const draftFile = path.join(dir, `draft-${batch.id}.json`);
    try {
      await certify(["submit", draftFile, "--key", stranger.privateKey, ...apiArgs()]);
      expect.fail("the service accepted a certification signed by a key that is not the organization's");
    } catch (error) {
      const failure = error as { code: number; stderr: string };
      expect(failure.code).to.equal(1);
      expect(failure.stderr).to.include("POST /api/certifications → 403 FORBIDDEN");
      expect(failure.stderr).to.include(stranger.address.toLowerCase());
    }
  });
});
