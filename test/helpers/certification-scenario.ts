import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { parseEther, Wallet, type HDNodeWallet } from "ethers";
import {
  draftToMessage,
  type CertificationDraft,
} from "../../server/modules/certifications/domain/certification-draft";
import {
  CERTIFICATION_TYPES,
  type CertificationDomain,
} from "../../server/modules/certifications/domain/certification-typed-data";
import { http } from "./http";
import type { TestOrg } from "./scenario";
import type { TestEnv, TestServer } from "./test-env";

/** A certifier organization with its own key (never given to the service). */
export interface TestCertifier extends TestOrg {
  wallet: HDNodeWallet;
}

export async function createCertifier(
  server: TestServer,
  name: string,
  options: { register?: boolean; wallet?: HDNodeWallet } = {},
): Promise<TestCertifier> {
  const wallet = options.wallet ?? Wallet.createRandom();
  const created = await http(server.baseUrl, "POST", "/api/orgs", {
    key: server.adminKey,
    json: { name, roles: ["certifier"], address: wallet.address },
  });
  expect(created.status, created.text).to.equal(201);
  const certifier = { id: created.body.id, key: created.body.apiKey, name, wallet };
  if (options.register ?? true) {
    const registered = await http(server.baseUrl, "POST", `/api/certifiers/${certifier.id}/register`, {
      key: server.adminKey,
      json: {},
    });
    expect(registered.status, registered.text).to.equal(200);
  }
  return certifier;
}

/** Sends the certifier some ether from the service signer, so it can send its own transactions. */
export async function fundWallet(env: TestEnv, address: string): Promise<void> {
  const tx = await env.runtime.chain.signer.sendTransaction({ to: address, value: parseEther("1") });
  await tx.wait();
}

export async function certificationDomainOf(server: TestServer, key: string): Promise<CertificationDomain> {
  const response = await http(server.baseUrl, "GET", "/api/certifications/eip712", { key });
  expect(response.status, response.text).to.equal(200);
  return response.body.domain;
}

const DAY = 24 * 3600;

/** A valid draft for a batch: issued today, valid for a year. */
export function batchDraft(batchId: string, overrides: Partial<CertificationDraft> = {}): CertificationDraft {
  const now = Date.now();
  return {
    subject: { kind: "batch", id: batchId },
    scheme: "organic",
    certificateNumber: `ORG-${randomBytes(4).toString("hex").toUpperCase()}`,
    issuedAt: new Date(now - DAY * 1000).toISOString(),
    validFrom: new Date(now - DAY * 1000).toISOString(),
    validUntil: new Date(now + 365 * DAY * 1000).toISOString(),
    evidence: [randomBytes(32).toString("hex")],
    ...overrides,
  };
}

/** Signs a draft with `signer` (the certifier's key unless a test wants a wrong one). */
export async function signCertification(
  domain: CertificationDomain,
  draft: CertificationDraft,
  certifierAddress: string,
  signer: { signTypedData: Wallet["signTypedData"] },
) {
  const message = draftToMessage(draft, certifierAddress, `0x${randomBytes(32).toString("hex")}`);
  const signature = await signer.signTypedData(domain, CERTIFICATION_TYPES, message);
  return { domain, message, signature };
}

/**
 * Signs a certification of `batchId` (draft `overrides` applied) with `certifier`'s wallet and
 * records it through the API (201 expected): the recorded certification's id and hash, its issuance
 * on chain, and what was signed.
 */
export async function issueCertification(
  server: TestServer,
  certifier: Pick<TestCertifier, "key" | "wallet">,
  batchId: string,
  overrides: Partial<CertificationDraft> = {},
) {
  const domain = await certificationDomainOf(server, certifier.key);
  const signed = await signCertification(
    domain,
    batchDraft(batchId, overrides),
    certifier.wallet.address,
    certifier.wallet,
  );
  const issued = await http(server.baseUrl, "POST", "/api/certifications", {
    key: certifier.key,
    json: signed,
  });
  expect(issued.status, issued.text).to.equal(201);
  const { id, certHash, issuance } = issued.body as {
    id: string;
    certHash: string;
    issuance: { blockNumber: number } | null;
  };
  return { id, certHash, issuance, signed };
}

/** Fetches the status-change template and signs it with `signer` (the certifier's key by default). */
export async function signStatusChange(
  server: TestServer,
  certifier: TestCertifier,
  certificationId: string,
  status: "revoked" | "suspended" | "reinstated",
  reason: string,
  signer: { signTypedData: Wallet["signTypedData"] } = certifier.wallet,
) {
  const query = new URLSearchParams({ status, reason }).toString();
  const template = await http(
    server.baseUrl,
    "GET",
    `/api/certifications/${certificationId}/revocation-template?${query}`,
    { key: certifier.key },
  );
  expect(template.status, template.text).to.equal(200);
  const { domain, types, message, relayPath } = template.body;
  const signature = await signer.signTypedData(domain, types, message);
  return {
    relayPath: relayPath as string,
    body: { reason: message.reason, nonce: message.nonce, deadline: message.deadline, signature },
    message,
  };
}

/** Signs a status change with the certifier's key and relays it through the API (201 expected). */
export async function relayStatusChange(
  server: TestServer,
  certifier: TestCertifier,
  certificationId: string,
  status: "revoked" | "suspended" | "reinstated",
  reason: string,
): Promise<void> {
  const { relayPath, body } = await signStatusChange(server, certifier, certificationId, status, reason);
  const relayed = await http(server.baseUrl, "POST", relayPath, { key: certifier.key, json: body });
  expect(relayed.status, relayed.text).to.equal(201);
}
