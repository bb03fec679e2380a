import { expect } from "chai";
import { TypedDataEncoder, verifyTypedData, Wallet } from "ethers";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import {
  CERTIFICATION_TYPES,
  type CertificationDomain,
} from "../../server/modules/certifications/domain/certification-typed-data";
import {
  batchDraft,
  certificationDomainOf,
  createCertifier,
  signCertification,
  type TestCertifier,
} from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("certifications API: certifiers, schemes, signed certifications", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let certifier: TestCertifier;
  let domain: CertificationDomain;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    certifier = await createCertifier(server, "中绿华夏有机食品认证中心");
    domain = await certificationDomainOf(server, certifier.key);
  });
  after(() => server.close());

  const post = (key: string, path: string, json: unknown = {}) =>
    http(server.baseUrl, "POST", path, { key, json });
  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });
  const count = (collection: string) => env.runtime.connection.db!.collection(collection).countDocuments();

  it("documents its routes and the signed body's schema in OpenAPI", async () => {
    const openApi = (await http(server.baseUrl, "GET", "/openapi.json")).body;
    expect(openApi.paths).to.include.keys(
      "/api/certifications",
      "/api/certifications/{id}/revocations",
      "/api/certifiers/{orgId}/register",
      "/api/batches/{id}/certifications",
    );
    const body = openApi.paths["/api/certifications"].post.requestBody.content["application/json"].schema;
    expect(body.properties.message.required).to.include.members(["certifier", "subject", "salt"]);
  });

  describe("certifier registry", () => {
    it("registers a certifier organization's address on chain and refuses a second registration", async () => {
      const wallet = Wallet.createRandom();
      const org = await createCertifier(server, "南京国环有机产品认证中心", { register: false, wallet });
      expect(await env.runtime.chain.registry.isCertifier(wallet.address)).to.equal(false);

      const registered = await post(server.adminKey, `/api/certifiers/${org.id}/register`, { name: "OFDC" });
      expect(registered.status, registered.text).to.equal(200);
      expect(registered.body).to.include({
        orgId: org.id,
        address: wallet.address.toLowerCase(),
        registered: true,
      });
      expect(registered.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(await env.runtime.chain.registry.isCertifier(wallet.address)).to.equal(true);
      expect((await env.runtime.chain.registry.certifierOf(wallet.address)).name).to.equal("OFDC");

      const again = await post(server.adminKey, `/api/certifiers/${org.id}/register`);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("CERTIFIER_ALREADY_REGISTERED");
      expect(again.body.error.message).to.include(wallet.address.toLowerCase());
    });

    it("deregisters a certifier on chain, and says so when it is not registered", async () => {
      const org = await createCertifier(server, "临时认证机构");
      const removed = await http(server.baseUrl, "DELETE", `/api/certifiers/${org.id}`, {
        key: server.adminKey,
      });
      expect(removed.status, removed.text).to.equal(200);
      expect(removed.body.registered).to.equal(false);
      expect(await env.runtime.chain.registry.isCertifier(org.wallet.address)).to.equal(false);
      const again = await http(server.baseUrl, "DELETE", `/api/certifiers/${org.id}`, {
        key: server.adminKey,
      });
      expect(again.status).to.equal(403);
      expect(again.body.error.code).to.equal("CERTIFIER_NOT_REGISTERED");
    });

    it("lets only admins register, and only organizations with the certifier role and an address", async () => {
      const byCertifier = await post(certifier.key, `/api/certifiers/${certifier.id}/register`);
      expect(byCertifier.status).to.equal(403);
      const producer = await post(server.adminKey, `/api/certifiers/${farm.id}/register`);
      expect(producer.status).to.equal(422);
      expect(producer.body.error.code).to.equal("NOT_A_CERTIFIER");
      const noAddress = await createOrg(server, "无地址认证机构", ["certifier"]);
      const refused = await post(server.adminKey, `/api/certifiers/${noAddress.id}/register`);
      expect(refused.status).to.equal(422);
      expect(refused.body.error.code).to.equal("NO_ADDRESS");
    });
  });

  describe("certification schemes", () => {
    it("lists the four built-in schemes and lets an admin add one, once", async () => {
      const listed = await get(farm.key, "/api/certification-schemes");
      expect(listed.status).to.equal(200);
      expect(listed.body.items.map((scheme: { code: string }) => scheme.code)).to.include.members([
        "organic",
        "green-food",
        "geographical-indication",
        "eco-origin",
      ]);
      expect(listed.body.items.find((scheme: { code: string }) => scheme.code === "organic").name).to.equal(
        "有机产品",
      );

      const scheme = { code: "rainforest-alliance", name: "雨林联盟认证", nameEn: "Rainforest Alliance" };
      expect((await post(certifier.key, "/api/certification-schemes", scheme)).status).to.equal(403);
      const added = await post(server.adminKey, "/api/certification-schemes", scheme);
      expect(added.status, added.text).to.equal(201);
      expect((await post(server.adminKey, "/api/certification-schemes", scheme)).status).to.equal(409);
      expect(
        (await post(server.adminKey, "/api/certification-schemes", { ...scheme, code: "organic" })).status,
      ).to.equal(409);
      const invalid = await post(server.adminKey, "/api/certification-schemes", {
        code: "Bad Code",
        name: "x",
      });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details[0].field).to.equal("body.code");
      const relisted = await get(farm.key, "/api/certification-schemes");
      expect(relisted.body.items.at(-1)).to.include({ code: "rainforest-alliance", builtIn: false });
    });
  });

  describe("POST /api/certifications", () => {
    it("accepts a certification signed with the certifier's key and records it on the batch's hash chain", async () => {
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        certifier.wallet.address,
        certifier.wallet,
      );
      const response = await post(certifier.key, "/api/certifications", signed);
      expect(response.status, response.text).to.equal(201);
      const certification = response.body;

      const expectedHash = TypedDataEncoder.hash(domain, CERTIFICATION_TYPES, signed.message).toLowerCase();
      expect(certification.certHash).to.equal(expectedHash);
      expect(certification.certifier).to.equal(certifier.wallet.address.toLowerCase());
      expect(certification.status).to.include({ state: "valid", certifierRegistered: true });
      // Issued on chain by the certifier (its own signature, relayed by the service) before it counts.
      expect(certification.issuance.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(certification.status.chain).to.include({
        issuer: certifier.wallet.address.toLowerCase(),
        status: "none",
      });
      expect(certification.status.chain.issuedAt).to.equal(certification.status.chain.updatedAt);
      // The stored typed data alone lets anyone recompute the hash and recover the certifier.
      const { typedData, signature } = certification;
      expect(
        TypedDataEncoder.hash(typedData.domain, typedData.types, typedData.message).toLowerCase(),
      ).to.equal(expectedHash);
      expect(verifyTypedData(typedData.domain, typedData.types, typedData.message, signature)).to.equal(
        certifier.wallet.address,
      );

      expect(certification.coverage).to.have.length(1);
      expect(certification.coverage[0]).to.include({ batchId: batch.id, via: "subject" });
      const events = await get(farm.key, `/api/batches/${batch.id}/events`);
      const certifying = events.body.items.at(-1);
      expect(certifying.type).to.equal("certifying");
      expect(certifying.id).to.equal(certification.coverage[0].eventId);
      expect(certifying.actor).to.equal(certifier.id);
      expect(certifying.body.data).to.include({
        certHash: expectedHash,
        scheme: "organic",
        certificateNumber: signed.message.certificateNumber,
        signature: signed.signature.toLowerCase(),
      });
      expect(computeEventHash(certifying.body)).to.equal(certifying.hash);

      const fetched = await get(farm.key, `/api/certifications/${certification.id}`);
      expect(fetched.status).to.equal(200);
      expect(fetched.body.certHash).to.equal(expectedHash);
    });

    it("refuses a certification signed by another key, naming the signer", async () => {
      const batch = await createBatch(server, farm);
      const impostor = Wallet.createRandom();
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        certifier.wallet.address,
        impostor,
      );
      const before = await count("certifications");
      const response = await post(certifier.key, "/api/certifications", signed);
      expect(response.status).to.equal(422);
      expect(response.body.error.code).to.equal("WRONG_SIGNER");
      expect(response.body.error.message).to.include(impostor.address.toLowerCase());
      expect(response.body.error.details).to.deep.equal({
        signer: impostor.address.toLowerCase(),
        certifier: certifier.wallet.address.toLowerCase(),
      });
      expect(await count("certifications")).to.equal(before);
    });

    it("refuses a certification that names another organization's address as certifier", async () => {
      const other = await createCertifier(server, "另一家认证机构");
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        other.wallet.address,
        other.wallet,
      );
      const response = await post(certifier.key, "/api/certifications", signed);
      expect(response.status).to.equal(403);
      expect(response.body.error.message).to.include(other.wallet.address.toLowerCase());
    });

    it("refuses a correctly signed certification from an address not registered on chain", async () => {
      const unregistered = await createCertifier(server, "未备案认证机构", { register: false });
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        unregistered.wallet.address,
        unregistered.wallet,
      );
      const response = await post(unregistered.key, "/api/certifications", signed);
      expect(response.status).to.equal(403);
      expect(response.body.error.code).to.equal("CERTIFIER_NOT_REGISTERED");
      expect(response.body.error.message).to.include(unregistered.wallet.address.toLowerCase());
    });

    it("refuses an expired certificate", async () => {
      const batch = await createBatch(server, farm);
      const draft = batchDraft(batch.id, {
        issuedAt: "2024-01-01",
        validFrom: "2024-01-01",
        validUntil: "2025-01-01",
      });
      const signed = await signCertification(domain, draft, certifier.wallet.address, certifier.wallet);
      const response = await post(certifier.key, "/api/certifications", signed);
      expect(response.status).to.equal(422);
      expect(response.body.error.code).to.equal("CERTIFICATE_EXPIRED");
      expect(response.body.error.message).to.include("2025-01-01T15:59:59.000Z");
    });

    it("refuses a certification signed for another chain or registry", async () => {
      const batch = await createBatch(server, farm);
      const foreign = { ...domain, chainId: domain.chainId + 1 };
      const signed = await signCertification(
        foreign,
        batchDraft(batch.id),
        certifier.wallet.address,
        certifier.wallet,
      );
      const response = await post(certifier.key, "/api/certifications", signed);
      expect(response.status).to.equal(422);
      expect(response.body.error.code).to.equal("WRONG_DOMAIN");
      expect(response.body.error.message).to.include("domain.chainId");
    });

    it("stores a certification once", async () => {
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        certifier.wallet.address,
        certifier.wallet,
      );
      const responses = await Promise.all(
        [1, 2, 3].map(() => post(certifier.key, "/api/certifications", signed)),
      );
      expect(responses.map((response) => response.status).sort()).to.deep.equal([201, 409, 409]);
      const events = await get(farm.key, `/api/batches/${batch.id}/events`);
      expect(
        events.body.items.filter((event: { type: string }) => event.type === "certifying"),
      ).to.have.length(1);
    });

    it("refuses an unknown scheme, a cap below the batch quantity and an unknown subject", async () => {
      const batch = await createBatch(server, farm);
      const unknown = await post(
        certifier.key,
        "/api/certifications",
        await signCertification(
          domain,
          batchDraft(batch.id, { scheme: "fair-trade" }),
          certifier.wallet.address,
          certifier.wallet,
        ),
      );
      expect(unknown.status).to.equal(422);
      expect(unknown.body.error.code).to.equal("UNKNOWN_SCHEME");
      expect(unknown.body.error.message).to.include("organic, green-food");

      const capped = await post(
        certifier.key,
        "/api/certifications",
        await signCertification(
          domain,
          batchDraft(batch.id, { quantityCap: { value: 100, unit: "KGM" } }),
          certifier.wallet.address,
          certifier.wallet,
        ),
      );
      expect(capped.status).to.equal(422);
      expect(capped.body.error.code).to.equal("QUANTITY_CAP");
      expect(capped.body.error.message).to.include("500 KGM, more than the cap of 100 KGM");

      const missing = await post(
        certifier.key,
        "/api/certifications",
        await signCertification(
          domain,
          batchDraft("0123456789abcdef01234567"),
          certifier.wallet.address,
          certifier.wallet,
        ),
      );
      expect(missing.status).to.equal(422);
      expect(missing.body.error.code).to.equal("UNKNOWN_SUBJECT");
    });

    it("lets only certifiers submit", async () => {
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        certifier.wallet.address,
        certifier.wallet,
      );
      const response = await post(farm.key, "/api/certifications", signed);
      expect(response.status).to.equal(403);
    });

    it("validates the signed data strictly, naming every field", async () => {
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        certifier.wallet.address,
        certifier.wallet,
      );
      const response = await post(certifier.key, "/api/certifications", {
        ...signed,
        extra: true,
        message: {
          ...signed.message,
          salt: "0x1234",
          validUntil: signed.message.validFrom - 1,
          subject: { ...signed.message.subject, plot: "3号茶园" },
          quantityCap: { amount: "100", decimals: 0, unit: "" },
          evidence: [signed.message.evidence[0], signed.message.evidence[0]],
          certificateNumber: " ORG-1",
        },
        signature: "0xdead",
      });
      expect(response.status).to.equal(400);
      const fields = response.body.error.details.map((problem: { field: string }) => problem.field);
      expect(fields).to.include.members([
        "body.extra",
        "body.message.salt",
        "body.message.validUntil",
        "body.message.subject.plot",
        "body.message.quantityCap",
        "body.message.evidence",
        "body.message.certificateNumber",
        "body.signature",
      ]);
    });

    it("keeps certifying events out of the client event API", async () => {
      const batch = await createBatch(server, farm);
      const response = await post(farm.key, `/api/batches/${batch.id}/events`, {
        type: "certifying",
        eventTime: new Date().toISOString(),
      });
      expect(response.status).to.equal(400);
      expect(response.body.error.details[0].field).to.equal("body.type");
    });

    it("shows a certification only to its parties", async () => {
      const batch = await createBatch(server, farm);
      const signed = await signCertification(
        domain,
        batchDraft(batch.id),
        certifier.wallet.address,
        certifier.wallet,
      );
      const created = await post(certifier.key, "/api/certifications", signed);
      const outsider = await createOrg(server, "无关零售商", ["retailer"]);
      expect((await get(outsider.key, `/api/certifications/${created.body.id}`)).status).to.equal(404);
      expect((await get(outsider.key, `/api/batches/${batch.id}/certifications`)).status).to.equal(404);
      expect((await get(certifier.key, `/api/batches/${batch.id}/certifications`)).status).to.equal(200);
      expect((await get(server.adminKey, `/api/certifications/${created.body.id}`)).status).to.equal(200);
    });
  });
});
