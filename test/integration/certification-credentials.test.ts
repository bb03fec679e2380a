import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { certificationCredential } from "../../server/modules/certifications/domain/certification-credential";
import { readCredential } from "../../server/modules/certifications/domain/credential-check";
import { computeCertHash } from "../../server/modules/certifications/domain/certification-typed-data";
import { verifyCredentialFile } from "../../scripts/verify-credential";
import {
  createCertifier,
  signStatusChange,
  type TestCertifier,
  issueCertification,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

type Credential = ReturnType<typeof certificationCredential>;

/** Issue 18: certificates others can check, with the service (same check) and without it (the CLI). */
describe("certifications as W3C Verifiable Credentials", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let certifier: TestCertifier;
  let rpcUrl: string;
  let dir: string;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    rpcUrl = env.runtime.chain.provider._getConnection().url;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-credentials-"));
  });
  after(async () => {
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function certify() {
    const batch = await createBatch(server, farm);
    return issueCertification(server, certifier, batch.id);
  }
  const credentialOf = async (certHash: string): Promise<Credential> => {
    const response = await fetch(`${server.baseUrl}/credentials/${certHash}`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^application\/vc/);
    return (await response.json()) as Credential;
  };
  const checkWithService = async (credential: unknown) => {
    const response = await http(server.baseUrl, "POST", "/api/credentials/verify", { json: { credential } });
    expect(response.status, response.text).to.equal(200);
    return response.body as { valid: boolean; state: string; reasons: string[] };
  };
  const checkWithCli = async (name: string, credential: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(credential));
    return verifyCredentialFile(file, rpcUrl, Math.floor(Date.now() / 1000));
  };

  it("serves a VC 2.0 credential whose proof is the certifier's EIP-712 signature and whose status is on chain", async () => {
    const certification = await certify();
    const credential = await credentialOf(certification.certHash);
    expect(credential["@context"][0]).to.equal("https://www.w3.org/ns/credentials/v2");
    expect(credential.type).to.deep.equal(["VerifiableCredential", "EcoProductCertificationCredential"]);
    const address = certifier.wallet.address;
    expect(credential.issuer.id).to.equal(`did:pkh:eip155:${credential.credentialStatus.chainId}:${address}`);
    expect(credential.issuer.name).to.equal("中绿华夏有机食品认证中心");
    expect(credential.proof.type).to.equal("EthereumEip712Signature2021");
    expect(credential.credentialStatus.certHash).to.equal(certification.certHash);
    const { domain } = credential.proof.eip712;
    expect(computeCertHash(domain, credential.credentialSubject.certification)).to.equal(
      certification.certHash,
    );
    expect(credential.credentialSubject.scheme).to.include({
      code: "organic",
      name: "有机产品",
      signed: false,
    });

    expect(await checkWithService(credential)).to.include({ valid: true, state: "valid" });
    const offline = await checkWithCli("valid.json", credential);
    expect(offline).to.include({ valid: true, state: "valid" });
  });

  it("finds any change to the signed certification, the issuer or the signature", async () => {
    const credential = await credentialOf((await certify()).certHash);
    const altered = structuredClone(credential);
    altered.credentialSubject.certification.certificateNumber = "ORG-FORGED";
    const otherIssuer = structuredClone(credential);
    otherIssuer.issuer.id = `did:pkh:eip155:${credential.credentialStatus.chainId}:${Wallet.createRandom().address}`;
    const longer = structuredClone(credential);
    longer.validUntil = "2099-01-01T00:00:00.000Z";
    for (const [name, tampered] of Object.entries({ altered, otherIssuer, longer })) {
      const service = await checkWithService(tampered);
      expect(service, name).to.include({ valid: false, state: "invalid" });
      expect((await checkWithCli(`${name}.json`, tampered)).state, name).to.equal("invalid");
    }
    expect((await checkWithService({ hello: "world" })).reasons.join(" ")).to.include("@context");
  });

  it("says not issued for a well-signed credential of a certifier the registry never recorded", async () => {
    const genuine = await credentialOf((await certify()).certHash);
    const impostor = Wallet.createRandom();
    const message = { ...genuine.credentialSubject.certification, certifier: impostor.address.toLowerCase() };
    const { domain, types } = genuine.proof.eip712;
    const signature = await impostor.signTypedData(domain, types, message);
    const forged = certificationCredential(
      { certHash: computeCertHash(domain, message), typedData: { domain, message }, signature },
      { code: "organic", name: "有机产品", equivalents: [] },
      { baseUrl: "https://forger.example", issuerName: "中绿华夏有机食品认证中心" },
    );
    expect(readCredential(forged).ok).to.equal(true);
    expect((await checkWithService(forged)).state).to.equal("not_issued");
    expect((await checkWithCli("forged.json", forged)).state).to.equal("not_issued");
  });

  it("reports a revocation from the registry, whatever the credential file says", async () => {
    const certification = await certify();
    const credential = await credentialOf(certification.certHash);
    const revocation = await signStatusChange(server, certifier, certification.id, "revoked", "抽检不合格");
    const relayed = await http(server.baseUrl, "POST", revocation.relayPath, {
      key: certifier.key,
      json: revocation.body,
    });
    expect(relayed.status, relayed.text).to.equal(201);
    expect((await checkWithService(credential)).state).to.equal("revoked");
    expect((await checkWithCli("revoked.json", credential)).state).to.equal("revoked");
  });

  it("names the scheme equivalences an admin maintains, refusing others and unknown schemes", async () => {
    const equivalents = [
      { id: "https://eur-lex.europa.eu/eli/reg/2018/848/oj", name: "EU organic", jurisdiction: "EU" },
      {
        id: "https://www.ams.usda.gov/about-ams/programs-offices/national-organic-program",
        name: "USDA NOP",
        jurisdiction: "US",
      },
    ];
    const put = (key: string, scheme: string) =>
      http(server.baseUrl, "PUT", `/api/scheme-equivalences/${scheme}`, { key, json: { equivalents } });
    expect((await put(certifier.key, "organic")).status).to.equal(403);
    const unknown = await put(server.adminKey, "no-such-scheme");
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.include("params.scheme");
    const saved = await put(server.adminKey, "organic");
    expect(saved.status, saved.text).to.equal(200);
    const credential = await credentialOf((await certify()).certHash);
    expect(credential.credentialSubject.scheme.equivalentSchemes).to.deep.equal(equivalents);
    const listed = await http(server.baseUrl, "GET", "/api/scheme-equivalences", { key: farm.key });
    expect(listed.body.items.map((item: { scheme: string }) => item.scheme)).to.deep.equal(["organic"]);
    expect((await checkWithService(credential)).state).to.equal("valid");
  });

  it("answers 404 for a certHash no certification has, and 400 for one that is not a hash", async () => {
    expect((await fetch(`${server.baseUrl}/credentials/0x${"ab".repeat(32)}`)).status).to.equal(404);
    const bad = await http(server.baseUrl, "GET", "/credentials/not-a-hash");
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include("certHash");
  });
});
