import { Types } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { BatchRepository } from "../batches";
import type { CertificationDoc } from "./data/certification.model";
import { CertificationRepository } from "./data/certification.repository";
import { OrganizationRepository, canSeeAll, type Actor } from "../organizations";
import { batchCapProblem } from "./domain/certification-coverage";
import {
  CERTIFICATION_PRIMARY_TYPE,
  CERTIFICATION_TYPES,
  certificationDomain,
  computeCertHash,
  domainMismatch,
  recoverCertificationSigner,
  type CertificationDomain,
  type CertificationMessage,
} from "./domain/certification-typed-data";
import {
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from "../../platform/errors";
import type { UseCaseContext } from "../ledger";
import { isRegisteredCertifier } from "./certification-chain";
import { issueCertificationOnChain } from "./certification-issuance";
import { recordCoverage } from "./certification-events";
import { assertSchemeKnown } from "./scheme-registry";

export interface CertificationContext extends UseCaseContext {
  chain: ChainClient;
}

export interface SignedCertification {
  domain: CertificationDomain;
  message: CertificationMessage;
  signature: string;
}

/** How far in the future `issuedAt` may lie (clock skew between the certifier and the service). */
const ISSUED_AT_SKEW_SEC = 300;

/**
 * Accepts a certification signed by a certifier, after checking, in order: the EIP-712 domain is
 * this service's (chain and registry); the caller's organization has the address named as
 * `certifier`; the signature recovers to that address; the address is a registered certifier on
 * chain; the scheme is known; the certificate is not expired; the subject exists. Then its
 * issuance is relayed to the registry and mined (it counts only once issued on chain by its
 * certifier), the signed data is stored unchanged, and a `certifying` event is appended to every
 * batch it covers.
 */
export async function submitCertification(
  ctx: CertificationContext,
  actor: { orgId: string },
  input: SignedCertification,
) {
  const { message, signature } = input;
  const domain = certificationDomain(ctx.chain.chainId, ctx.chain.registryAddress);
  const mismatch = domainMismatch(input.domain, domain);
  if (mismatch) throw new UnprocessableError("WRONG_DOMAIN", mismatch, { expected: domain });

  const org = await new OrganizationRepository(ctx.connection).findById(actor.orgId);
  if (!org?.address) {
    throw new UnprocessableError("NO_ADDRESS", "your organization has no Ethereum address to certify with");
  }
  if (org.address !== message.certifier) {
    throw new ForbiddenError(
      `message.certifier ${message.certifier} is not your organization's address ${org.address}`,
    );
  }
  const signer = recoverSigner(domain, message, signature);
  if (signer !== message.certifier) {
    throw new UnprocessableError(
      "WRONG_SIGNER",
      `the certification was signed by ${signer}, not by the certifier ${message.certifier}`,
      { signer, certifier: message.certifier },
    );
  }
  if (!(await isRegisteredCertifier(ctx.chain, message.certifier))) {
    throw new AppError(
      "CERTIFIER_NOT_REGISTERED",
      `${message.certifier} is not a registered certifier on chain (registry ${ctx.chain.registryAddress})`,
      403,
    );
  }
  await assertSchemeKnown(ctx.connection, message.scheme);
  assertTimely(message, Math.floor(ctx.now().getTime() / 1000));
  await assertSubject(ctx, message);

  const certHash = computeCertHash(domain, message);
  const issuance = await issueCertificationOnChain(ctx.chain, {
    certHash,
    certifier: message.certifier,
    signature,
  });
  const certification = await storeCertification(ctx, {
    certHash,
    certifierOrgId: new Types.ObjectId(actor.orgId),
    domain,
    message,
    signature,
  });
  const coverage = await recordCoverage(ctx, certification);
  return { certification, coverage, issuance };
}

/** A certifier's own certifications, newest first; admins and auditors see every certifier's. */
export async function listCertifications(
  ctx: UseCaseContext,
  actor: Actor,
  limit: number,
): Promise<CertificationDoc[]> {
  return new CertificationRepository(ctx.connection).issuedBy(
    canSeeAll(actor) ? undefined : actor.orgId,
    limit,
  );
}

export async function findCertification(ctx: UseCaseContext, id: string): Promise<CertificationDoc> {
  const certification = await new CertificationRepository(ctx.connection).findById(id);
  if (!certification) throw new NotFoundError("certification", id);
  return certification;
}

function recoverSigner(
  domain: CertificationDomain,
  message: CertificationMessage,
  signature: string,
): string {
  try {
    return recoverCertificationSigner(domain, message, signature);
  } catch (cause) {
    throw new UnprocessableError(
      "INVALID_SIGNATURE",
      `the signature cannot be recovered: ${(cause as Error).message}`,
    );
  }
}

function assertTimely(message: CertificationMessage, nowSec: number): void {
  if (message.issuedAt > nowSec + ISSUED_AT_SKEW_SEC) {
    throw new UnprocessableError(
      "ISSUED_IN_FUTURE",
      `issuedAt ${iso(message.issuedAt)} is in the future (now ${iso(nowSec)})`,
    );
  }
  if (message.validUntil < nowSec) {
    throw new UnprocessableError(
      "CERTIFICATE_EXPIRED",
      `the certificate expired at ${iso(message.validUntil)}; an expired certificate cannot vouch for anything`,
      { validUntil: iso(message.validUntil) },
    );
  }
}

async function assertSubject(ctx: UseCaseContext, message: CertificationMessage): Promise<void> {
  const { subject } = message;
  if (subject.kind === "batch") {
    const batch = await new BatchRepository(ctx.connection).findById(subject.id);
    if (!batch) throw new UnprocessableError("UNKNOWN_SUBJECT", `batch ${subject.id} does not exist`);
    const problem = batchCapProblem(message.quantityCap, batch.quantity);
    if (problem) throw new UnprocessableError("QUANTITY_CAP", problem);
    return;
  }
  const producer = await new OrganizationRepository(ctx.connection).findById(subject.id);
  if (!producer?.roles.includes("producer")) {
    throw new UnprocessableError("UNKNOWN_SUBJECT", `organization ${subject.id} is not a producer`);
  }
}

/** Inserts once per certHash: an upsert keyed by the hash is atomic on every engine. */
async function storeCertification(
  ctx: UseCaseContext,
  input: {
    certHash: string;
    certifierOrgId: Types.ObjectId;
    domain: CertificationDomain;
    message: CertificationMessage;
    signature: string;
  },
): Promise<CertificationDoc> {
  const { message } = input;
  const doc: CertificationDoc = {
    _id: new Types.ObjectId(),
    certHash: input.certHash,
    certifierOrgId: input.certifierOrgId,
    certifier: message.certifier,
    scheme: message.scheme,
    certificateNumber: message.certificateNumber,
    subjectKind: message.subject.kind,
    subjectId: message.subject.id,
    validFrom: message.validFrom,
    validUntil: message.validUntil,
    typedData: {
      domain: input.domain,
      primaryType: CERTIFICATION_PRIMARY_TYPE,
      types: CERTIFICATION_TYPES,
      message,
    },
    signature: input.signature.toLowerCase(),
    createdAt: ctx.now(),
  };
  const stored = await new CertificationRepository(ctx.connection).insertOnce(doc);
  if (stored) {
    throw new ConflictError(`this certification was already submitted (certHash ${doc.certHash})`, {
      id: stored.existingId,
      certHash: doc.certHash,
    });
  }
  return doc;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
