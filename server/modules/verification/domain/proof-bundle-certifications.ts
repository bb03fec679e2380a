import {
  certificationStatus,
  type ChainCertificationRecord,
} from "../../certifications/domain/certification-status";
import {
  certificationDomain,
  computeCertHash,
  domainMismatch,
  recoverCertificationSigner,
  type CertificationDomain,
  type CertificationMessage,
} from "../../certifications/domain/certification-typed-data";
import type { ProofBundle } from "./proof-bundle";
import type { CertificationEvidence } from "./verdict";

/**
 * Certifications as a proof bundle proves them: each `certifying` event in the bundle's chains
 * carries the certifier's EIP-712 certification (domain, message, signature). The verifier checks
 * that `certHash` is its digest, that the certifier signed it for this chain and registry, and
 * asks the registry for its issuance by that certifier and its live status
 * (`certificationOf(certHash, certifier)`), judged by `certificationStatus` against the validity
 * window at `nowSec`: never issued by the named certifier means `not_issued`, whatever the bundle says.
 */
export type CertificationReader = (certHash: string, certifier: string) => Promise<ChainCertificationRecord>;

export async function certificationsFromBundle(
  bundle: ProofBundle,
  readStatus: CertificationReader | undefined,
  nowSec: number,
): Promise<CertificationEvidence[]> {
  const seen = new Map<string, Record<string, unknown>>();
  for (const event of bundle.events) {
    if (event.body.type !== "certifying") continue;
    const data = (event.body.data ?? {}) as Record<string, unknown>;
    if (typeof data.certHash === "string" && !seen.has(data.certHash)) seen.set(data.certHash, data);
  }
  const expected = certificationDomain(bundle.chain.chainId, bundle.chain.registry);
  return Promise.all(
    [...seen.entries()].map(async ([certHash, data]) => {
      const message = data.message as CertificationMessage | undefined;
      const name = `${String(data.scheme ?? "certification")} ${String(data.certificateNumber ?? certHash)}`;
      const signatureProblem = signedCertificationProblem(certHash, data, expected);
      let status: CertificationEvidence["status"] = "unreachable";
      if (readStatus && message) {
        try {
          const record = await readStatus(certHash, String(message.certifier));
          const judged = certificationStatus(
            {
              certifier: String(message.certifier),
              validFrom: Number(message.validFrom),
              validUntil: Number(message.validUntil),
            },
            record,
            nowSec,
          );
          status = judged.state === "unknown" ? "unreachable" : judged.state;
        } catch {
          status = "unreachable";
        }
      }
      return { certHash, name, status, signatureProblem };
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
