/**
 * The live status of a certification, from the registry's record (`certificationOf`) and the
 * clock. Pure: the chain record and the time are arguments. A local flag is never consulted:
 * revocation and suspension exist only on chain.
 *
 * Precedence: revoked > suspended > expired > not_yet_valid > unknown > valid. Explicit actions on
 * chain are reported before the validity window; `unknown` (the chain could not be read) is never
 * valid, so a consumer verdict fails closed.
 */
export const CERTIFICATION_STATES = [
  "valid",
  "not_yet_valid",
  "expired",
  "suspended",
  "revoked",
  "unknown",
] as const;
export type CertificationState = (typeof CERTIFICATION_STATES)[number];

/** `IProvenanceRegistry.CertificationStatus` by enum value: 0 None, 1 Suspended, 2 Revoked. */
export const CHAIN_STATUSES = ["none", "suspended", "revoked"] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];

export interface ChainCertificationRecord {
  status: ChainStatus;
  /** The certifier that owns the record (first to change its status), null if never changed. */
  changedBy: string | null;
  /** Block time of the last change (Unix seconds), 0 if never changed. */
  updatedAt: number;
}

export interface CertificationAssessment {
  state: CertificationState;
  reason: string;
  /** Whether the record on chain was changed by someone other than the issuing certifier. */
  changedByOther: boolean;
}

export function certificationStatus(
  certification: { certifier: string; validFrom: number; validUntil: number },
  chain: ChainCertificationRecord | null,
  nowSec: number,
): CertificationAssessment {
  const changedByOther =
    chain?.changedBy != null && chain.changedBy.toLowerCase() !== certification.certifier.toLowerCase();
  const by = chain?.changedBy ? ` by ${chain.changedBy}` : "";
  const result = (state: CertificationState, reason: string) => ({ state, reason, changedByOther });
  if (chain?.status === "revoked")
    return result("revoked", `revoked on chain${by} at ${iso(chain.updatedAt)}`);
  if (chain?.status === "suspended") {
    return result("suspended", `suspended on chain${by} since ${iso(chain.updatedAt)}`);
  }
  if (nowSec > certification.validUntil)
    return result("expired", `expired at ${iso(certification.validUntil)}`);
  if (nowSec < certification.validFrom) {
    return result("not_yet_valid", `valid from ${iso(certification.validFrom)}`);
  }
  if (chain === null) return result("unknown", "the registry could not be read; status unknown");
  return result("valid", `valid until ${iso(certification.validUntil)}`);
}

export function chainStatusOf(enumValue: number | bigint): ChainStatus {
  const status = CHAIN_STATUSES[Number(enumValue)];
  if (!status) throw new RangeError(`unknown CertificationStatus ${enumValue}`);
  return status;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
