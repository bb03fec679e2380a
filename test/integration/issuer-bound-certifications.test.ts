import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Types } from "mongoose";
import { Wallet, ZeroHash, parseEther, toQuantity } from "ethers";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import { decodeRegistryRevert } from "../../server/platform/evm/registry-errors";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { recordCoverage } from "../../server/modules/certifications/certification-events";
import {
  certificationModel,
  type CertificationDoc,
} from "../../server/modules/certifications/data/certification.model";
import { draftToMessage } from "../../server/modules/certifications/domain/certification-draft";
import {
  CERTIFICATION_PRIMARY_TYPE,
  CERTIFICATION_TYPES,
  certificationDomain,
  computeCertHash,
} from "../../server/modules/certifications/domain/certification-typed-data";
import { startWorker, waitFor } from "../helpers/anchoring";
import {
  batchDraft,
  createCertifier,
  fundWallet,
  issueCertification,
  type TestCertifier,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { anchorNow, pathOf } from "../helpers/verification";
import { verifyBundleFile } from "../../scripts/verify-bundle";

/** The registry's custom error a transaction reverted with (name, lowercase arguments), or null if it went through. */
async function revertOf(transaction: Promise<unknown>) {
  try {
    await transaction;
  } catch (error) {
    return decodeRegistryRevert(error);
  }
  return null;
}

/**
 * Issue 13, findings 5 and 7 (decision 0014): the operator holds the database, the service and its
 * anchoring key, but not the registry admin's or the certifiers' keys. A certification counts only
 * if the registry records its issuance by the certifier it names; only that issuer changes its
 * status; the service key cannot register certifiers.
 */
describe("issuer-bound certifications (issue 13, findings 5 and 7)", () => {
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let farm: TestOrg;
  let certifier: TestCertifier;
  let dir: string;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    certifier = await createCertifier(server, "浙江省有机产品认证中心");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-issuance-"));
  });
  after(async () => {
    await worker.stop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("finding 5: a certification signed by a key that was never a registered certifier", () => {
    let batch: { id: string; publicId: string; digitalLink: string };

    before(async () => {
      batch = await createBatch(server, farm);
      // The operator writes what it likes to its database and lets its own code append the
      // certifying event: a certification signed by a key no admin ever registered.
      const forger = Wallet.createRandom();
      const pretender = await createCertifier(server, "冒牌认证机构", { register: false, wallet: forger });
      const domain = certificationDomain(env.runtime.chain.chainId, env.runtime.chain.registryAddress);
      const message = draftToMessage(
        batchDraft(batch.id, { certificateNumber: "FORGED-0001" }),
        forger.address.toLowerCase(),
        `0x${randomBytes(32).toString("hex")}`,
      );
      const forged: CertificationDoc = {
        _id: new Types.ObjectId(),
        certHash: computeCertHash(domain, message),
        certifierOrgId: new Types.ObjectId(pretender.id),
        certifier: message.certifier,
        scheme: message.scheme,
        certificateNumber: message.certificateNumber,
        subjectKind: message.subject.kind,
        subjectId: message.subject.id,
        validFrom: message.validFrom,
        validUntil: message.validUntil,
        typedData: { domain, primaryType: CERTIFICATION_PRIMARY_TYPE, types: CERTIFICATION_TYPES, message },
        signature: (await forger.signTypedData(domain, CERTIFICATION_TYPES, message)).toLowerCase(),
        createdAt: new Date(),
      };
      await certificationModel(env.runtime.connection).collection.insertOne(forged);
      const coverage = await recordCoverage(env.runtime.useCaseContext, forged);
      expect(coverage.map((item) => item.batchId)).to.deep.equal([batch.id]);
      await anchorNow(server);
    });

    it("is not issued and makes the consumer page's verdict tampered, not verified", async () => {
      const page = await http(server.baseUrl, "GET", pathOf(batch.digitalLink), {
        headers: { accept: "application/json" },
      });
      expect(page.status, page.text).to.equal(200);
      expect(page.body.verdict).to.equal("tampered");
      const [forged] = page.body.certifications as { certificateNumber: string; status: string }[];
      expect(forged).to.include({ certificateNumber: "FORGED-0001", status: "not_issued" });
    });

    it("makes /api/verify say tampered, naming the certification not issued on chain", async () => {
      const verified = await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`);
      expect(verified.status, verified.text).to.equal(200);
      expect(verified.body.verdict).to.equal("tampered");
      const check = (verified.body.checks as { name: string; status: string; detail: string }[]).find(
        (item) => item.name === "certifications",
      );
      expect(check).to.include({ status: "fail" });
      expect(check!.detail).to.include("FORGED-0001 not issued");
    });

    it("makes npm run verify-bundle's verifier say tampered, reading the issuance from the chain", async () => {
      const bundle = await http(server.baseUrl, "GET", `/api/batches/${batch.publicId}/proof-bundle`);
      expect(bundle.status, bundle.text).to.equal(200);
      const file = path.join(dir, "forged.json");
      fs.writeFileSync(file, JSON.stringify(bundle.body));
      const rpcUrl = env.runtime.chain.provider._getConnection().url;
      const report = await verifyBundleFile(file, rpcUrl, Math.floor(Date.now() / 1000));
      expect(report.verdict).to.equal("tampered");
      expect(JSON.stringify(report.checks)).to.include("FORGED-0001 not issued");
    });
  });

  describe("a certification issued through the service", () => {
    it("is issued on chain by its certifier before it counts, and verifies", async () => {
      const batch = await createBatch(server, farm);
      const created = await issueCertification(server, certifier, batch.id);
      const record = await env.runtime.chain.registry.certificationOf(
        created.certHash,
        certifier.wallet.address,
      );
      expect(record.issuer).to.equal(certifier.wallet.address);
      expect(created.issuance?.blockNumber).to.be.a("number");
      await anchorNow(server);
      const verified = await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`);
      expect(verified.body.verdict, verified.text).to.equal("verified");
    });
  });

  describe("certification status on /api/verify (issue 15)", () => {
    it("is served from the cache, and a revocation sent to the chain directly shows within one registry poll", async () => {
      const direct = await createCertifier(server, "自行上链的认证机构");
      await fundWallet(env, direct.wallet.address);
      const batch = await createBatch(server, farm);
      const created = await issueCertification(server, direct, batch.id);
      await anchorNow(server);
      const verdictOf = async () => {
        const verified = await http(server.baseUrl, "GET", `/api/verify/${batch.publicId}`);
        expect(verified.status, verified.text).to.equal(200);
        return verified.body.verdict as string;
      };
      expect(await verdictOf()).to.equal("verified");

      // Asked again: no certificationOf call reaches the chain.
      const registry = env.runtime.chain.registry;
      const selector = registry.interface.getFunction("certificationOf")!.selector;
      const asked: string[] = [];
      const count = (info: {
        action: string;
        payload?: { method: string; params?: { data?: string }[] };
      }) => {
        const data = info.payload?.params?.[0]?.data;
        if (
          info.action === "sendRpcPayload" &&
          info.payload?.method === "eth_call" &&
          data?.startsWith(selector)
        )
          asked.push(data);
      };
      await env.runtime.chain.provider.on("debug", count);
      try {
        expect(await verdictOf()).to.equal("verified");
        expect(await verdictOf()).to.equal("verified");
      } finally {
        await env.runtime.chain.provider.off("debug", count);
      }
      expect(asked, "certificationOf calls while cached").to.deep.equal([]);

      // Revoked by the certifier itself, not through the service: the registry's log invalidates.
      const own = registry.connect(direct.wallet.connect(env.runtime.chain.provider));
      const gasLimit = ((await own.revokeCertification.estimateGas(created.certHash, "withdrawn")) * 3n) / 2n;
      await (await own.revokeCertification(created.certHash, "withdrawn", { gasLimit })).wait();
      await waitFor("the verdict to show the revocation", async () => (await verdictOf()) === "revoked", {
        timeoutMs: 10_000,
      });
    });
  });

  describe("finding 7: only the issuer changes a certification's status", () => {
    it("refuses another registered certifier's suspension and revocation, and leaves the issuer in control", async () => {
      const batch = await createBatch(server, farm);
      const { certHash, id } = await issueCertification(server, certifier, batch.id);

      const rival = await createCertifier(server, "竞争对手认证机构");
      // Funded by the dev node, not by the service key, whose nonces the running anchor worker uses.
      await env.runtime.chain.provider.send("anvil_setBalance", [
        rival.wallet.address,
        toQuantity(parseEther("1")),
      ]);
      const asRival = env.runtime.chain.registry.connect(rival.wallet.connect(env.runtime.chain.provider));
      const notIssued = {
        name: "ProvenanceRegistryCertificationNotIssued",
        args: { certHash, issuer: rival.wallet.address.toLowerCase() },
      };
      expect(await revertOf(asRival.suspendCertification(certHash, "squatting"))).to.deep.equal(notIssued);
      expect(await revertOf(asRival.revokeCertification(certHash, "squatting"))).to.deep.equal(notIssued);

      const fetched = await http(server.baseUrl, "GET", `/api/certifications/${id}`, { key: certifier.key });
      expect(fetched.body.status.state).to.equal("valid");
      const template = await http(
        server.baseUrl,
        "GET",
        `/api/certifications/${id}/revocation-template?status=suspended&reason=audit`,
        { key: certifier.key },
      );
      const { domain: changeDomain, types, message, relayPath } = template.body;
      const signature = await certifier.wallet.signTypedData(changeDomain, types, message);
      const suspended = await http(server.baseUrl, "POST", relayPath, {
        key: certifier.key,
        json: { reason: message.reason, nonce: message.nonce, deadline: message.deadline, signature },
      });
      expect(suspended.status, suspended.text).to.equal(201);
      expect(suspended.body.certification.status.state).to.equal("suspended");
    });

    it("keeps the service key out of the admin role: it cannot register certifiers", async () => {
      const { registry, signer } = env.runtime.chain;
      const adminRole = await registry.DEFAULT_ADMIN_ROLE();
      expect(await registry.hasRole(adminRole, signer.address)).to.equal(false);
      expect(await registry.hasRole(await registry.ANCHORER_ROLE(), signer.address)).to.equal(true);
      const rogue = Wallet.createRandom().address;
      const unauthorized = {
        name: "AccessControlUnauthorizedAccount",
        args: { account: signer.address.toLowerCase(), neededRole: adminRole },
      };
      expect(await revertOf(registry.registerCertifier(rogue, "Rogue certifier", ZeroHash))).to.deep.equal(
        unauthorized,
      );
      expect(await revertOf(registry.beginDefaultAdminTransfer(signer.address))).to.deep.equal(unauthorized);
      expect(await registry.isCertifier(rogue)).to.equal(false);
    });
  });

  describe("POST /api/certifiers/:orgId/register without the admin key (configured mode)", () => {
    let httpServer: Server;
    let baseUrl: string;

    before(async () => {
      const logger = createLogger("silent");
      const app = createApp({
        config: env.config,
        logger,
        ...env.runtime,
        chain: { ...env.runtime.chain, admin: null },
      });
      httpServer = await new Promise((resolve) => {
        const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
      });
      baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => httpServer.close(() => resolve())));

    it("answers 202 with the transaction the registry admin must send, which registers the certifier", async () => {
      const newcomer = await createCertifier(server, "中国绿色食品发展中心", { register: false });
      const answer = await http(baseUrl, "POST", `/api/certifiers/${newcomer.id}/register`, {
        key: server.adminKey,
        json: {},
      });
      expect(answer.status, answer.text).to.equal(202);
      expect(answer.body.registered).to.equal(false);
      const admin = env.runtime.chain.admin!;
      expect(answer.body.adminTransaction).to.deep.include({
        admin: admin.address,
        to: env.runtime.chain.registryAddress,
        function: "registerCertifier(address,string,bytes32)",
        args: {
          certifier: newcomer.wallet.address.toLowerCase(),
          name: "中国绿色食品发展中心",
          metadataHash: ZeroHash,
        },
      });

      // The admin (here the embedded admin key; in production a cold key or multisig) sends it as is.
      const { to, data } = answer.body.adminTransaction;
      await (await admin.sendTransaction({ to, data })).wait();
      const status = await http(baseUrl, "GET", `/api/certifiers/${newcomer.id}`, { key: server.adminKey });
      expect(status.body.registered).to.equal(true);

      const again = await http(baseUrl, "POST", `/api/certifiers/${newcomer.id}/register`, {
        key: server.adminKey,
        json: {},
      });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("CERTIFIER_ALREADY_REGISTERED");
    });
  });
});
