/**
 * The live status of a certification, from the registry's record of its issuance by the certifier
 * named in the signed data (`certificationOf(certHash, certifier)`) and the clock. Pure: the chain
 * record and the time are arguments. A local flag is never consulted: issuance, revocation and
 * suspension exist only on chain (decision 0014).
 *
 * Precedence: not_issued > revoked > suspended > expired > not_yet_valid > unknown > valid. A
 * certification its certifier never issued on chain counts for nothing, whatever the database
 * says; explicit actions on chain are reported before the validity window; `unknown` (the chain
 * could not be read) is never valid, so a consumer verdict fails closed.
 */
export const CERTIFICATION_STATES = [
  "valid",
  "not_yet_valid",
  "expired",
  "suspended",
  "revoked",
  "not_issued",
  "unknown",
] as const;
export type CertificationState = (typeof CERTIFICATION_STATES)[number];

/**
 * A certification's state as a verdict weighs it: every state but "unknown" (a registry that
 * could not be read is the verdict's "unreachable"). "not_issued": the registry does not record
 * its issuance by the certifier it names, a forgery (decision 0014).
 */
export type CertificationValidity = Exclude<CertificationState, "unknown">;

/** `IProvenanceRegistry.CertificationStatus` by enum value: 0 None, 1 Suspended, 2 Revoked. */
export const CHAIN_STATUSES = ["none", "suspended", "revoked"] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];

/** The registry's record of one certifier's issuance of a certification. */
export interface ChainCertificationRecord {
  /** The issuing certifier (lowercase), null if the asked certifier never issued it. */
  issuer: string | null;
  /** Block time of issuance (Unix seconds), 0 if never issued. */
  issuedAt: number;
  status: ChainStatus;
  /** Block time of the last status change, or of issuance (Unix seconds), 0 if never issued. */
  updatedAt: number;
}

export interface CertificationAssessment {
  state: CertificationState;
  reason: string;
}

export function certificationStatus(
  certification: { certifier: string; validFrom: number; validUntil: number },
  chain: ChainCertificationRecord | null,
  nowSec: number,
): CertificationAssessment {
  const result = (state: CertificationState, reason: string) => ({ state, reason });
  const notIssued = chain && issuanceProblem(certification.certifier, chain);
  if (notIssued) return result("not_issued", notIssued);
  if (chain?.status === "revoked") {
    return result("revoked", `revoked on chain by ${chain.issuer} at ${iso(chain.updatedAt)}`);
  }
  if (chain?.status === "suspended") {
    return result("suspended", `suspended on chain by ${chain.issuer} since ${iso(chain.updatedAt)}`);
  }
  if (nowSec > certification.validUntil)
    return result("expired", `expired at ${iso(certification.validUntil)}`);
  if (nowSec < certification.validFrom) {
    return result("not_yet_valid", `valid from ${iso(certification.validFrom)}`);
  }
  if (chain === null) return result("unknown", "the registry could not be read; status unknown");
  return result("valid", `valid until ${iso(certification.validUntil)}`);
}

/**
 * Why the registry's record does not show `certifier` issuing the certification, or null when it
 * does. The registry accepts an issuance only from a certifier registered by its admin, so an
 * issuance also proves that the certifier was registered when it issued.
 */
export function issuanceProblem(certifier: string, record: ChainCertificationRecord): string | null {
  if (record.issuedAt > 0 && record.issuer?.toLowerCase() === certifier.toLowerCase()) return null;
  return `not issued on chain by its certifier ${certifier.toLowerCase()} (never registered, or the issuance was never sent)`;
}

export function chainStatusOf(enumValue: number | bigint): ChainStatus {
  const status = CHAIN_STATUSES[Number(enumValue)];
  if (!status) throw new RangeError(`unknown CertificationStatus ${enumValue}`);
  return status;
}

/** The registry's `CertificationRecord` struct as plain values (zero address = never issued). */
export function chainRecordOf(record: {
  issuer: string;
  issuedAt: bigint;
  status: bigint;
  updatedAt: bigint;
}): ChainCertificationRecord {
  return {
    issuer: /^0x0{40}$/i.test(record.issuer) ? null : record.issuer.toLowerCase(),
    issuedAt: Number(record.issuedAt),
    status: chainStatusOf(record.status),
    updatedAt: Number(record.updatedAt),
  };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
