import { TypedDataEncoder, verifyTypedData, type TypedDataField } from "ethers";

/**
 * The EIP-712 certification a certifier signs with its own key (decision 0007). The service never
 * holds certifier keys: it checks the signature against the certifier's registered address and
 * stores the signed data exactly, so anyone can recompute `certHash` and recover the signer.
 */
export const CERTIFICATION_DOMAIN_NAME = "EcoTrace Certification";
export const CERTIFICATION_DOMAIN_VERSION = "1";
export const CERTIFICATION_PRIMARY_TYPE = "Certification";

export const CERTIFICATION_TYPES: Record<string, TypedDataField[]> = {
  Certification: [
    { name: "certifier", type: "address" },
    { name: "subject", type: "Subject" },
    { name: "scheme", type: "string" },
    { name: "certificateNumber", type: "string" },
    { name: "issuedAt", type: "uint64" },
    { name: "validFrom", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "scope", type: "Scope" },
    { name: "quantityCap", type: "Quantity" },
    { name: "evidence", type: "bytes32[]" },
    { name: "salt", type: "bytes32" },
  ],
  Subject: [
    { name: "kind", type: "string" },
    { name: "id", type: "string" },
    { name: "plot", type: "string" },
  ],
  Scope: [
    { name: "category", type: "string" },
    { name: "regionCodePrefix", type: "string" },
  ],
  Quantity: [
    { name: "amount", type: "uint256" },
    { name: "decimals", type: "uint8" },
    { name: "unit", type: "string" },
  ],
};

export const SUBJECT_KINDS = ["batch", "producer", "plot"] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface CertificationDomain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: string;
}

/**
 * The signed message in its JSON form: timestamps are Unix seconds, `quantityCap.amount` a decimal
 * string (uint256) meaning amount / 10^decimals `unit` (amount "0" and unit "" for no cap), bytes32
 * values lowercase 0x-hex. Unused strings are "" (EIP-712 has no optional fields).
 */
export interface CertificationMessage {
  certifier: string;
  subject: { kind: SubjectKind; id: string; plot: string };
  scheme: string;
  certificateNumber: string;
  issuedAt: number;
  validFrom: number;
  validUntil: number;
  scope: { category: string; regionCodePrefix: string };
  quantityCap: { amount: string; decimals: number; unit: string };
  evidence: string[];
  salt: string;
}

export function certificationDomain(chainId: bigint | number, registry: string): CertificationDomain {
  return {
    name: CERTIFICATION_DOMAIN_NAME,
    version: CERTIFICATION_DOMAIN_VERSION,
    chainId: Number(chainId),
    verifyingContract: registry.toLowerCase(),
  };
}

/**
 * certHash = the EIP-712 digest `keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(message))`,
 * i.e. exactly what the certifier signed. It is the id of the certification on chain
 * (`certificationOf`, `revokeCertification…`) and is bound to this chain and registry.
 */
export function computeCertHash(domain: CertificationDomain, message: CertificationMessage): string {
  return TypedDataEncoder.hash(domain, CERTIFICATION_TYPES, message).toLowerCase();
}

/** The address whose key produced `signature` over the certification (lowercase). */
export function recoverCertificationSigner(
  domain: CertificationDomain,
  message: CertificationMessage,
  signature: string,
): string {
  return verifyTypedData(domain, CERTIFICATION_TYPES, message, signature).toLowerCase();
}

/** Where a domain differs from the service's, in words, or null when it is the same. */
export function domainMismatch(given: CertificationDomain, expected: CertificationDomain): string | null {
  for (const key of ["name", "version", "chainId", "verifyingContract"] as const) {
    const a = typeof given[key] === "string" ? String(given[key]).toLowerCase() : given[key];
    const b = typeof expected[key] === "string" ? String(expected[key]).toLowerCase() : expected[key];
    if (a !== b)
      return `domain.${key} is ${JSON.stringify(given[key])} but this service signs for ${JSON.stringify(expected[key])}`;
  }
  return null;
}

/** The cap as a number and unit, or null when the certification has none. */
export function quantityCapOf(
  cap: CertificationMessage["quantityCap"],
): { value: number; unit: string } | null {
  if (cap.amount === "0" && cap.unit === "") return null;
  return { value: Number(cap.amount) / 10 ** cap.decimals, unit: cap.unit };
}
