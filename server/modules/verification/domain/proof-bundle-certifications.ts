import {
  type ChainCertificationRecord,
  certificationDomain,
  computeCertHash,
  domainMismatch,
  recoverCertificationSigner,
  type CertificationDomain,
  type CertificationMessage,
} from "../../certifications";
import type { ProofBundle } from "./proof-bundle";
import { certificationOnChain } from "./certification-on-chain";
import { coverageProblem } from "./proof-bundle-coverage";
import type { CertificationEvidence } from "./verdict";

/**
 * Certifications as a proof bundle proves them: each `certifying` event in the bundle's chains
 * carries the certifier's EIP-712 certification (domain, message, signature). The verifier checks
 * that `certHash` is its digest, that the certifier signed it for this chain and registry, that
 * its signed rule covers each batch whose chain records it (from that batch's hashed
 * commissioning event: proof-bundle-coverage.ts), and asks the registry for its live status,
 * judged against the signed validity window at `nowSec` (certificationOnChain). Nothing here
 * reads a stored copy: the service and `npm run verify-bundle` get the same answer from the same
 * bundle (issue 13, findings 2 and 6). Issuance counts only as the registry records it for the
 * certifier the message names (`certificationOf(certHash, certifier)`): never issued means `not_issued`.
 */
export type CertificationReader = (certHash: string, certifier: string) => Promise<ChainCertificationRecord>;

/** A certification of the bundle: verdict evidence plus the signed facts a page shows. */
export interface BundleCertification extends CertificationEvidence {
  scheme: string;
  certificateNumber: string;
  /** The signed message, or null when the certifying event does not carry one. */
  message: CertificationMessage | null;
  /** The batches whose chains record it (a certifying event each). */
  batchIds: string[];
  /** Why the status is what it is, in words. */
  reason: string;
}

export async function certificationsFromBundle(
  bundle: ProofBundle,
  readStatus: CertificationReader | undefined,
  nowSec: number,
): Promise<BundleCertification[]> {
  const recorded = new Map<string, { data: Record<string, unknown>; batchIds: string[] }>();
  for (const event of bundle.events) {
    if (event.body.type !== "certifying") continue;
    const data = (event.body.data ?? {}) as Record<string, unknown>;
    if (typeof data.certHash !== "string" || typeof event.body.batchId !== "string") continue;
    const entry = recorded.get(data.certHash) ?? { data, batchIds: [] };
    entry.batchIds.push(event.body.batchId);
    recorded.set(data.certHash, entry);
  }
  const expected = certificationDomain(bundle.chain.chainId, bundle.chain.registry);
  return Promise.all(
    [...recorded.entries()].map(async ([certHash, { data, batchIds }]) => {
      const message = (data.message as CertificationMessage | undefined) ?? null;
      const signatureProblem = signedCertificationProblem(certHash, data, expected);
      const coverage =
        message && !signatureProblem
          ? batchIds.flatMap((batchId) => coverageProblem(message, batchId, bundle) ?? [])
          : [];
      const judged = message
        ? await certificationOnChain(certHash, message, readStatus, nowSec)
        : { status: "unreachable" as const, reason: "the certifying event carries no signed message" };
      return {
        certHash,
        name: `${String(data.scheme ?? "certification")} ${String(data.certificateNumber ?? certHash)}`,
        scheme: String(message?.scheme ?? data.scheme ?? ""),
        certificateNumber: String(message?.certificateNumber ?? data.certificateNumber ?? ""),
        message,
        batchIds: [...new Set(batchIds)],
        ...judged,
        signatureProblem,
        coverageProblem: coverage.length > 0 ? coverage.join("; ") : null,
      };
    }),
  );
}

function signedCertificationProblem(
  certHash: string,
  data: Record<string, unknown>,
  expected: CertificationDomain,
): string | null {
  const domain = data.domain as CertificationDomain | undefined;
  const message = data.message as CertificationMessage | undefined;
  if (!domain || !message || typeof data.signature !== "string") {
    return "the certifying event does not carry the signed certification";
  }
  const mismatch = domainMismatch(domain, expected);
  if (mismatch) return `signed for another chain or registry: ${mismatch}`;
  try {
    if (computeCertHash(domain, message) !== certHash.toLowerCase()) {
      return "certHash is not the EIP-712 digest of the signed certification";
    }
    const signer = recoverCertificationSigner(domain, message, data.signature);
    if (signer !== String(message.certifier).toLowerCase()) {
      return `signed by ${signer}, not by the certifier ${message.certifier}`;
    }
  } catch (error) {
    return `the signed certification is malformed: ${(error as Error).message}`;
  }
  return null;
}
