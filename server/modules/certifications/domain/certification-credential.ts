import { getAddress } from "ethers";
import {
  CERTIFICATION_PRIMARY_TYPE,
  CERTIFICATION_TYPES,
  type CertificationDomain,
  type CertificationMessage,
} from "./certification-typed-data";
import type { SchemeEquivalent } from "./scheme-equivalence";

/**
 * A certification as a W3C Verifiable Credential (VC Data Model 2.0), so that a certification
 * body or regulator abroad can check it without an account here (decision 0025).
 *
 * The proof is the certifier's own EIP-712 signature, in the shape of EthereumEip712Signature2021
 * (`proofValue` + the `eip712` domain and types), with one difference stated in the proof: the
 * signed message is `credentialSubject.certification` — the certification exactly as the
 * certifier signed it — not the whole credential, because the certifier's key never reaches the
 * service and the credential is assembled after signing. Everything else in the credential is
 * derived from the signed message, except `credentialSubject.scheme` (names, and the scheme
 * equivalences the registry operator maintains), which is marked as not signed. The status is the
 * registry's record of the issuance on chain (`certificationOf(certHash, issuer)`).
 */
export const CREDENTIAL_CONTEXTS = [
  "https://www.w3.org/ns/credentials/v2",
  "https://w3id.org/security/suites/eip712sig-2021/v1",
] as const;
export const CREDENTIAL_TYPE = "EcoProductCertificationCredential";
export const PROOF_TYPE = "EthereumEip712Signature2021";
export const STATUS_TYPE = "EcoTraceRegistryCertificationStatus";
export const SIGNED_MESSAGE_POINTER = "/credentialSubject/certification";

export interface CredentialSource {
  certHash: string;
  typedData: { domain: CertificationDomain; message: CertificationMessage };
  signature: string;
}

export interface CredentialScheme {
  code: string;
  name: string;
  nameEn?: string;
  description?: string;
  equivalents: readonly SchemeEquivalent[];
}

export function issuerDid(chainId: number, address: string): string {
  return `did:pkh:eip155:${chainId}:${getAddress(address)}`;
}

export function certificationCredential(
  source: CredentialSource,
  scheme: CredentialScheme,
  options: { baseUrl: string; issuerName: string | null },
) {
  const { domain, message } = source.typedData;
  const did = issuerDid(domain.chainId, message.certifier);
  const url = `${options.baseUrl}/credentials/${source.certHash}`;
  return {
    "@context": [...CREDENTIAL_CONTEXTS],
    id: url,
    type: ["VerifiableCredential", CREDENTIAL_TYPE],
    name: `${scheme.nameEn ?? scheme.name} ${message.certificateNumber}`,
    issuer: { id: did, ...(options.issuerName ? { name: options.issuerName } : {}) },
    validFrom: iso(message.validFrom),
    validUntil: iso(message.validUntil),
    credentialSubject: {
      id: subjectUri(message.subject),
      certification: message,
      scheme: {
        code: scheme.code,
        name: scheme.name,
        ...(scheme.nameEn ? { nameEn: scheme.nameEn } : {}),
        ...(scheme.description ? { description: scheme.description } : {}),
        equivalentSchemes: scheme.equivalents,
        signed: false,
        note: "Scheme names and equivalences are maintained by the registry operator; the certifier signed the scheme code only.",
      },
    },
    credentialStatus: {
      id: `${url}#status`,
      type: STATUS_TYPE,
      chainId: domain.chainId,
      registry: getAddress(domain.verifyingContract),
      certHash: source.certHash,
      issuer: getAddress(message.certifier),
      method: "certificationOf(bytes32 certHash, address issuer) on the registry",
    },
    proof: {
      type: PROOF_TYPE,
      created: iso(message.issuedAt),
      proofPurpose: "assertionMethod",
      verificationMethod: `${did}#blockchainAccountId`,
      proofValue: source.signature,
      eip712: {
        domain,
        types: CERTIFICATION_TYPES,
        primaryType: CERTIFICATION_PRIMARY_TYPE,
      },
      signedMessage: SIGNED_MESSAGE_POINTER,
    },
  };
}

export type CertificationCredential = ReturnType<typeof certificationCredential>;

function subjectUri(subject: CertificationMessage["subject"]): string {
  const plot = subject.plot ? `:plot:${encodeURIComponent(subject.plot)}` : "";
  return `urn:ecotrace:${subject.kind === "batch" ? "batch" : "organization"}:${subject.id}${plot}`;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
