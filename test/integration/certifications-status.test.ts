import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { verifyTypedData, Wallet } from "ethers";
import { createApp } from "../../server/main/app";
import { createLogger } from "../../server/platform/logger";
import {
  STATUS_CHANGE_TYPES,
  statusChangeDomain,
} from "../../server/modules/certifications/domain/certification-status-change";
import type { CertificationDomain } from "../../server/modules/certifications/domain/certification-typed-data";
import {
  batchDraft,
  certificationDomainOf,
  createCertifier,
  fundWallet,
  signCertification,
  signStatusChange,
  type TestCertifier,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

const DAY_MS = 24 * 3600 * 1000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();
const dateFromNow = (days: number) => daysFromNow(days).slice(0, 10);

describe("certifications API: live status, coverage and propagation", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let certifier: TestCertifier;
  let domain: CertificationDomain;
  /** The service's clock runs `offsetMs` ahead of the real one, so a test can move time forward. */
  const clock = { offsetMs: 0 };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    const bootstrap = await startTestServer(env);
    await bootstrap.close();
    server = await startClockedServer(env, bootstrap.adminKey, clock);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    domain = await certificationDomainOf(server, certifier.key);
  });
  after(() => server.close());
  afterEach(() => (clock.offsetMs = 0));

  const post = (key: string, path: string, json: unknown = {}) =>
    http(server.baseUrl, "POST", path, { key, json });
  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });

  async function certify(
    subjectBatchId: string,
    overrides: Parameters<typeof batchDraft>[1] = {},
    by: TestCertifier = certifier,
  ) {
    const signed = await signCertification(
      domain,
      batchDraft(subjectBatchId, overrides),
      by.wallet.address,
      by.wallet,
    );
    const response = await post(by.key, "/api/certifications", signed);
    expect(response.status, response.text).to.equal(201);
    return response.body;
  }

  const stateOf = async (certificationId: string) =>
    (await get(certifier.key, `/api/certifications/${certificationId}`)).body.status.state;

  describe("validity window", () => {
    it("reports expired once the clock passes validUntil, and not yet valid before validFrom", async () => {
      const batch = await createBatch(server, farm);
      const current = await certify(batch.id, { validUntil: daysFromNow(2) });
      const future = await certify(batch.id, { validFrom: daysFromNow(1), validUntil: daysFromNow(30) });
      expect(current.status.state).to.equal("valid");
      expect(future.status.state).to.equal("not_yet_valid");

      clock.offsetMs = 3 * DAY_MS;
      expect(await stateOf(current.id)).to.equal("expired");
      expect(await stateOf(future.id)).to.equal("valid");
      const listed = await get(farm.key, `/api/batches/${batch.id}/certifications`);
      expect(listed.body.items.map((item: { status: { state: string } }) => item.status.state)).to.deep.equal(
        ["expired", "valid"],
      );
    });
  });

  describe("revocation and suspension (read from the chain)", () => {
    it("revokes through the certifier's signature relayed to the registry, and keeps the signature", async () => {
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id);
      const { relayPath, body, message } = await signStatusChange(
        server,
        certifier,
        certification.id,
        "revoked",
        "pesticide residue found in retest",
      );
      expect(relayPath).to.equal(`/api/certifications/${certification.id}/revocations`);
      expect(message).to.include({ certHash: certification.certHash, status: 2, nonce: "0" });

      const relayed = await post(certifier.key, relayPath, body);
      expect(relayed.status, relayed.text).to.equal(201);
      expect(relayed.body.change.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(relayed.body.certification.status.state).to.equal("revoked");
      expect(relayed.body.certification.status.chain).to.include({
        status: "revoked",
        issuer: certifier.wallet.address.toLowerCase(),
      });
      const record = await env.runtime.chain.registry.certificationOf(
        certification.certHash,
        certifier.wallet.address,
      );
      expect(record.status).to.equal(2n);
      expect(await stateOf(certification.id)).to.equal("revoked");

      // The relayed change is stored with its signature, so an audit can re-verify it.
      const { statusChanges } = (await get(certifier.key, `/api/certifications/${certification.id}`)).body;
      expect(statusChanges).to.have.length(1);
      const stored = statusChanges[0];
      expect(stored).to.include({ status: "revoked", state: "mined", txHash: relayed.body.change.txHash });
      const chain = env.runtime.chain;
      const recovered = verifyTypedData(
        statusChangeDomain(chain.chainId, chain.registryAddress),
        STATUS_CHANGE_TYPES,
        { ...message, reason: stored.reason, nonce: stored.nonce, deadline: stored.deadline },
        stored.signature,
      );
      expect(recovered).to.equal(certifier.wallet.address);

      const again = await signStatusChange(server, certifier, certification.id, "revoked", "twice");
      const refused = await post(certifier.key, again.relayPath, again.body);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal("CERTIFICATION_REVOKED");
    });

    it("relays one of two concurrent submissions of the same signature and refuses the other", async () => {
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id);
      const { relayPath, body } = await signStatusChange(
        server,
        certifier,
        certification.id,
        "revoked",
        "twice",
      );
      const responses = await Promise.all([1, 2].map(() => post(certifier.key, relayPath, body)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses[0], responses.map((response) => response.text).join("\n")).to.equal(201);
      expect(statuses[1]).to.be.oneOf([409, 422]);
      expect(await stateOf(certification.id)).to.equal("revoked");
      const { statusChanges } = (await get(certifier.key, `/api/certifications/${certification.id}`)).body;
      expect(statusChanges.filter((change: { state: string }) => change.state === "mined")).to.have.length(1);
    });

    it("relays concurrent changes of different certifiers through the one service signer", async () => {
      const batch = await createBatch(server, farm);
      const certifiers = await Promise.all(
        [1, 2, 3].map((n) => createCertifier(server, `并发认证机构 ${n}`)),
      );
      const certifications: { id: string; certHash: string }[] = [];
      for (const each of certifiers) certifications.push(await certify(batch.id, {}, each));
      const signed = await Promise.all(
        certifiers.map((each, index) =>
          signStatusChange(server, each, certifications[index].id, "suspended", "audit"),
        ),
      );
      const responses = await Promise.all(
        signed.map((item, index) => post(certifiers[index].key, item.relayPath, item.body)),
      );
      expect(responses.map((response) => response.status)).to.deep.equal([201, 201, 201]);
      for (const [index, certification] of certifications.entries()) {
        const record = await env.runtime.chain.registry.certificationOf(
          certification.certHash,
          certifiers[index].wallet.address,
        );
        expect(record.status).to.equal(1n);
      }
    });

    it("shows a revocation the certifier sent to the chain itself", async () => {
      const direct = await createCertifier(server, "自行上链的认证机构");
      await fundWallet(env, direct.wallet.address);
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id, {}, direct);
      expect(certification.status.state).to.equal("valid");

      const registry = env.runtime.chain.registry.connect(direct.wallet.connect(env.runtime.chain.provider));
      // Headroom over anvil's estimate: a full run once saw this transaction revert with all of its
      // gas used (35,826 of an estimate of ~35,840), the out-of-gas the relay resends for.
      const gasLimit =
        ((await registry.revokeCertification.estimateGas(certification.certHash, "certificate withdrawn")) *
          3n) /
        2n;
      await (
        await registry.revokeCertification(certification.certHash, "certificate withdrawn", { gasLimit })
      ).wait();

      const fetched = await get(direct.key, `/api/certifications/${certification.id}`);
      expect(fetched.body.status.state).to.equal("revoked");
      expect(fetched.body.status.chain.issuer).to.equal(direct.wallet.address.toLowerCase());
      expect(fetched.body.statusChanges).to.deep.equal([]);
    });

    it("suspends and reinstates through relayed signatures", async () => {
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id);
      const suspend = await signStatusChange(
        server,
        certifier,
        certification.id,
        "suspended",
        "audit pending",
      );
      expect(suspend.relayPath).to.equal(`/api/certifications/${certification.id}/suspensions`);
      const suspended = await post(certifier.key, suspend.relayPath, suspend.body);
      expect(suspended.status, suspended.text).to.equal(201);
      expect(suspended.body.certification.status.state).to.equal("suspended");
      const listed = await get(farm.key, `/api/batches/${batch.id}/certifications`);
      expect(listed.body.items[0].status.state).to.equal("suspended");

      const reinstate = await signStatusChange(
        server,
        certifier,
        certification.id,
        "reinstated",
        "audit passed",
      );
      const reinstated = await post(certifier.key, reinstate.relayPath, reinstate.body);
      expect(reinstated.status, reinstated.text).to.equal(201);
      expect(reinstated.body.certification.status.state).to.equal("valid");

      const again = await signStatusChange(server, certifier, certification.id, "reinstated", "again");
      const refused = await post(certifier.key, again.relayPath, again.body);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal("CERTIFICATION_NOT_SUSPENDED");
    });

    it("refuses relayed changes signed by another key, with a used nonce or after their deadline", async () => {
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id);
      const impostor = Wallet.createRandom();
      const forged = await signStatusChange(
        server,
        certifier,
        certification.id,
        "revoked",
        "forged",
        impostor,
      );
      const wrongSigner = await post(certifier.key, forged.relayPath, forged.body);
      expect(wrongSigner.status).to.equal(422);
      expect(wrongSigner.body.error.code).to.equal("WRONG_SIGNER");
      expect(wrongSigner.body.error.message).to.include(impostor.address.toLowerCase());

      const first = await signStatusChange(server, certifier, certification.id, "suspended", "first");
      const second = await signStatusChange(server, certifier, certification.id, "revoked", "second");
      expect((await post(certifier.key, first.relayPath, first.body)).status).to.equal(201);
      const stale = await post(certifier.key, second.relayPath, second.body);
      expect(stale.status).to.equal(409);
      expect(stale.body.error.details).to.deep.equal({
        signedNonce: second.message.nonce,
        currentNonce: String(Number(second.message.nonce) + 1),
      });

      const late = await signStatusChange(server, certifier, certification.id, "reinstated", "late");
      const message = { ...late.message, deadline: 1 };
      const signature = await certifier.wallet.signTypedData(
        statusChangeDomain(env.runtime.chain.chainId, env.runtime.chain.registryAddress),
        STATUS_CHANGE_TYPES,
        message,
      );
      const expired = await post(certifier.key, late.relayPath, { ...late.body, deadline: 1, signature });
      expect(expired.status).to.equal(422);
      expect(expired.body.error.code).to.equal("SIGNATURE_EXPIRED");
      expect(await stateOf(certification.id)).to.equal("suspended");
    });

    it("lets only the issuing certifier fetch templates and relay", async () => {
      const other = await createCertifier(server, "别家认证机构");
      const batch = await createBatch(server, farm);
      const certification = await certify(batch.id);
      const template = await get(
        other.key,
        `/api/certifications/${certification.id}/revocation-template?status=revoked&reason=x`,
      );
      expect(template.status).to.equal(403);
      const invalid = await get(
        certifier.key,
        `/api/certifications/${certification.id}/revocation-template?status=gone`,
      );
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details.map((problem: { field: string }) => problem.field)).to.deep.equal([
        "query.status",
        "query.reason",
      ]);
    });
  });

  describe("producer and plot scope", () => {
    it("covers the producer's batches that match the scope, including batches registered later", async () => {
      const coop = await createOrg(server, "安吉白茶合作社", ["producer"]);
      const tea = (days: number, overrides: Record<string, unknown> = {}) => ({
        origin: { place: "溪龙乡 1号茶园", regionCode: "330523", harvestedAt: dateFromNow(days) },
        ...overrides,
      });
      const covered = await createBatch(server, coop, tea(-30));
      const rice = await createBatch(server, coop, {
        ...tea(-30),
        product: { name: "五常大米", category: "rice" },
      });
      const elsewhere = await createBatch(server, coop, {
        origin: { place: "蒲江", regionCode: "510131", harvestedAt: dateFromNow(-30) },
      });
      const tooEarly = await createBatch(server, coop, tea(-90));
      const otherProducer = await createBatch(server, farm, tea(-30));

      const certification = await certify(coop.id, {
        subject: { kind: "producer", id: coop.id },
        scheme: "green-food",
        validFrom: daysFromNow(-60),
        scope: { category: "tea", regionCodePrefix: "3305" },
      });
      expect(certification.coverage.map((item: { batchId: string }) => item.batchId)).to.deep.equal([
        covered.id,
      ]);
      expect(certification.coverage[0].via).to.equal("scope");
      for (const batch of [rice, elsewhere, tooEarly, otherProducer]) {
        const listed = await get(server.adminKey, `/api/batches/${batch.id}/certifications`);
        expect(listed.body.items, batch.lot).to.deep.equal([]);
      }

      const later = await createBatch(server, coop, tea(-1));
      const listed = await get(coop.key, `/api/batches/${later.id}/certifications`);
      expect(listed.body.items).to.have.length(1);
      expect(listed.body.items[0]).to.deep.include({
        id: certification.id,
        inherited: false,
        covers: [{ batchId: later.id, via: "scope", withinCap: true }],
      });
      const recorded = await post(certifier.key, `/api/certifications/${certification.id}/coverage`);
      expect(recorded.status, recorded.text).to.equal(200);
      expect(recorded.body.coverage.map((item: { batchId: string }) => item.batchId)).to.deep.equal([
        covered.id,
        later.id,
      ]);
      await post(certifier.key, `/api/certifications/${certification.id}/coverage`);
      const events = await get(coop.key, `/api/batches/${later.id}/events`);
      expect(
        events.body.items.filter((event: { type: string }) => event.type === "certifying"),
      ).to.have.length(1);

      const revoke = await signStatusChange(
        server,
        certifier,
        certification.id,
        "revoked",
        "scope withdrawn",
      );
      expect((await post(certifier.key, revoke.relayPath, revoke.body)).status).to.equal(201);
      for (const batch of [covered, later]) {
        const after = await get(coop.key, `/api/batches/${batch.id}/certifications`);
        expect(after.body.items[0].status.state).to.equal("revoked");
      }
    });

    it("covers a plot's batches up to the quantity cap, in registration order", async () => {
      const plot = "溪龙乡黄杜村 3号茶园";
      const origin = { place: plot, regionCode: "330523", harvestedAt: dateFromNow(-5) };
      const first = await createBatch(server, farm, { origin });
      const second = await createBatch(server, farm, { origin });
      const otherPlot = await createBatch(server, farm, { origin: { ...origin, place: "5号茶园" } });
      const certification = await certify(farm.id, {
        subject: { kind: "plot", id: farm.id, plot },
        scheme: "eco-origin",
        validFrom: daysFromNow(-30),
        quantityCap: { value: 600, unit: "KGM" },
      });
      expect(certification.quantityCap).to.deep.equal({ value: 600, unit: "KGM" });
      expect(certification.coverage.map((item: { batchId: string }) => item.batchId)).to.deep.equal([
        first.id,
      ]);
      const beyond = await get(farm.key, `/api/batches/${second.id}/certifications`);
      expect(beyond.body.items[0].covers).to.deep.equal([
        { batchId: second.id, via: "scope", withinCap: false },
      ]);
      const none = await get(farm.key, `/api/batches/${otherPlot.id}/certifications`);
      expect(none.body.items.filter((item: { id: string }) => item.id === certification.id)).to.deep.equal(
        [],
      );
    });
  });

  describe("propagation through lineage", () => {
    it("shows an input's certification on the output of a transformation, and its revocation at once", async () => {
      const factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
      const leaves = await createBatch(server, farm);
      const certification = await certify(leaves.id);
      const offered = await post(farm.key, `/api/batches/${leaves.id}/transfers`, { to: factory.id });
      expect(offered.status, offered.text).to.equal(201);
      const accepted = await post(factory.key, `/api/transfers/${offered.body.transfer.id}/accept`);
      expect(accepted.status, accepted.text).to.equal(200);
      const processed = await post(factory.key, "/api/transformations", {
        inputs: [{ batchId: leaves.id, quantity: { value: 500, unit: "KGM" } }],
        outputs: [
          {
            product: { name: "安吉白茶 成品", category: "tea" },
            quantity: { value: 120, unit: "KGM" },
          },
        ],
      });
      expect(processed.status, processed.text).to.equal(201);
      const output = processed.body.outputs[0];

      const inherited = await get(factory.key, `/api/batches/${output.id}/certifications`);
      expect(inherited.status, inherited.text).to.equal(200);
      expect(inherited.body.items).to.have.length(1);
      expect(inherited.body.items[0]).to.deep.include({
        id: certification.id,
        inherited: true,
        covers: [{ batchId: leaves.id, via: "subject", withinCap: true }],
      });
      expect(inherited.body.items[0].status.state).to.equal("valid");

      const revoke = await signStatusChange(server, certifier, certification.id, "revoked", "input fraud");
      expect((await post(certifier.key, revoke.relayPath, revoke.body)).status).to.equal(201);
      const after = await get(factory.key, `/api/batches/${output.id}/certifications`);
      expect(after.body.items[0].status.state).to.equal("revoked");
    });
  });
});

/** An app on the shared database and chain whose clock runs `clock.offsetMs` ahead. */
async function startClockedServer(
  env: TestEnv,
  adminKey: string,
  clock: { offsetMs: number },
): Promise<TestServer> {
  const app = createApp({
    config: env.config,
    logger: createLogger(env.config.LOG_LEVEL),
    ...env.runtime,
    useCaseContext: { ...env.runtime.useCaseContext, now: () => new Date(Date.now() + clock.offsetMs) },
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    adminKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
