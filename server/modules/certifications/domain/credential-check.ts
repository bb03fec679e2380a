import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import {
  CREDENTIAL_TYPE,
  issuerDid,
  PROOF_TYPE,
  SIGNED_MESSAGE_POINTER,
  STATUS_TYPE,
} from "./certification-credential";
import {
  certificationStatus,
  type CertificationState,
  type ChainCertificationRecord,
} from "./certification-status";
import {
  CERTIFICATION_DOMAIN_NAME,
  CERTIFICATION_DOMAIN_VERSION,
  CERTIFICATION_PRIMARY_TYPE,
  computeCertHash,
  recoverCertificationSigner,
  type CertificationDomain,
  type CertificationMessage,
} from "./certification-typed-data";

/**
 * Checks an EcoTrace certification credential in two steps, shared by the service
 * (`POST /api/credentials/verify`) and `npm run verify-credential` so both answer alike:
 * `readCredential` checks everything the document proves by itself (shape, EIP-712 signature,
 * that every derived field matches the signed message) and says what to ask the chain;
 * `credentialVerdict` adds the registry's record and the clock.
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x-hex");
const address = z.string().refine((value) => isAddress(value), "must be an address");
const uint = z.number().int().min(0);

const messageSchema = z.strictObject({
  certifier: address,
  subject: z.strictObject({ kind: z.enum(["batch", "producer", "plot"]), id: z.string(), plot: z.string() }),
  scheme: z.string(),
  certificateNumber: z.string(),
  issuedAt: uint,
  validFrom: uint,
  validUntil: uint,
  scope: z.strictObject({ category: z.string(), regionCodePrefix: z.string() }),
  quantityCap: z.strictObject({
    amount: z.string().regex(/^\d{1,78}$/),
    decimals: z.number().int().min(0).max(255),
    unit: z.string(),
  }),
  evidence: z.array(hex32).max(64),
  salt: hex32,
});

const credentialSchema = z.object({
  "@context": z.array(z.unknown()).refine((list) => list[0] === "https://www.w3.org/ns/credentials/v2", {
    message: "must start with https://www.w3.org/ns/credentials/v2",
  }),
  type: z
    .array(z.string())
    .refine((types) => types.includes("VerifiableCredential") && types.includes(CREDENTIAL_TYPE), {
      message: `must include VerifiableCredential and ${CREDENTIAL_TYPE}`,
    }),
  issuer: z.object({ id: z.string() }),
  validFrom: z.string(),
  validUntil: z.string(),
  credentialSubject: z.object({ certification: messageSchema }),
  credentialStatus: z.object({
    type: z.literal(STATUS_TYPE),
    chainId: z.number().int().min(1),
    registry: address,
    certHash: hex32,
    issuer: address,
  }),
  proof: z.object({
    type: z.literal(PROOF_TYPE),
    proofPurpose: z.literal("assertionMethod"),
    proofValue: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature"),
    signedMessage: z.literal(SIGNED_MESSAGE_POINTER),
    eip712: z.object({
      domain: z.strictObject({
        name: z.literal(CERTIFICATION_DOMAIN_NAME),
        version: z.literal(CERTIFICATION_DOMAIN_VERSION),
        chainId: z.number().int().min(1),
        verifyingContract: address,
      }),
      primaryType: z.literal(CERTIFICATION_PRIMARY_TYPE),
    }),
  }),
});

/** What the registry must be asked about a credential whose document checks out. */
export interface CredentialLookup {
  chainId: number;
  registry: string;
  certHash: string;
  issuer: string;
  validFrom: number;
  validUntil: number;
}

export type CredentialReading =
  | { ok: true; lookup: CredentialLookup; certificateNumber: string; scheme: string }
  | { ok: false; problems: string[] };

export function readCredential(value: unknown): CredentialReading {
  const parsed = credentialSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || "credential"} ${issue.message}`,
      ),
    };
  }
  const vc = parsed.data;
  const message = vc.credentialSubject.certification as CertificationMessage;
  const domain: CertificationDomain = {
    ...vc.proof.eip712.domain,
    verifyingContract: vc.proof.eip712.domain.verifyingContract.toLowerCase(),
  };
  const problems: string[] = [];
  const certHash = computeCertHash(domain, message);
  if (certHash !== vc.credentialStatus.certHash.toLowerCase())
    problems.push(
      `credentialStatus.certHash ${vc.credentialStatus.certHash} is not the hash of the signed certification (${certHash}): the certification was altered`,
    );
  let signer: string | null = null;
  try {
    signer = recoverCertificationSigner(domain, message, vc.proof.proofValue);
  } catch {
    problems.push("proof.proofValue is not a valid signature");
  }
  const certifier = message.certifier.toLowerCase();
  if (signer && signer !== certifier)
    problems.push(`the signature was made by ${signer}, not by the certifier ${certifier} it names`);
  const did = issuerDid(domain.chainId, certifier);
  if (vc.issuer.id !== did) problems.push(`issuer.id is ${vc.issuer.id}, but the signed certifier is ${did}`);
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (!same(vc.credentialStatus.issuer, certifier))
    problems.push("credentialStatus.issuer is not the signed certifier");
  if (
    !same(vc.credentialStatus.registry, domain.verifyingContract) ||
    vc.credentialStatus.chainId !== domain.chainId
  )
    problems.push("credentialStatus names another registry or chain than the signature's EIP-712 domain");
  if (vc.validFrom !== iso(message.validFrom) || vc.validUntil !== iso(message.validUntil))
    problems.push("validFrom/validUntil differ from the signed validity");
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    certificateNumber: message.certificateNumber,
    scheme: message.scheme,
    lookup: {
      chainId: domain.chainId,
      registry: getAddress(domain.verifyingContract),
      certHash,
      issuer: getAddress(certifier),
      validFrom: message.validFrom,
      validUntil: message.validUntil,
    },
  };
}

export type CredentialState = CertificationState | "invalid";

export interface CredentialVerdict {
  /** True only when the document checks out and the registry shows it issued and in force now. */
  valid: boolean;
  state: CredentialState;
  reasons: string[];
}

/**
 * The verdict on a credential: "invalid" when the document fails its own checks; otherwise the
 * certification's state from the registry's record (`null`: the chain could not be read, so
 * "unknown", never valid) and the clock, by the same function the service's pages use.
 */
export function credentialVerdict(
  reading: CredentialReading,
  record: ChainCertificationRecord | null,
  nowSec: number,
): CredentialVerdict {
  if (!reading.ok) return { valid: false, state: "invalid", reasons: reading.problems };
  const { issuer, validFrom, validUntil } = reading.lookup;
  const status = certificationStatus(
    { certifier: issuer.toLowerCase(), validFrom, validUntil },
    record,
    nowSec,
  );
  return { valid: status.state === "valid", state: status.state, reasons: [status.reason] };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
