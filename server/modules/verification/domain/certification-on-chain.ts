import {
  certificationStatus,
  type ChainCertificationRecord,
  type CertificationMessage,
} from "../../certifications";
import type { CertificationEvidence } from "./verdict";

/**
 * The one place that decides whether a certification holds on chain now, for every verifier (the
 * service, the audit, `npm run verify-bundle`): the registry's record of the certHash, judged
 * against the validity window the certifier signed (`message.validFrom`/`validUntil`, never a
 * stored copy). A registry that cannot be read gives "unreachable" (verdict pending), never valid.
 * The record is the one the named certifier issued: a certification it never issued is `not_issued`
 * (certificationStatus), whatever the bundle says.
 */
export async function certificationOnChain(
  certHash: string,
  message: CertificationMessage,
  readStatus: ((certHash: string, certifier: string) => Promise<ChainCertificationRecord>) | undefined,
  nowSec: number,
): Promise<{ status: CertificationEvidence["status"]; reason: string }> {
  let record: ChainCertificationRecord | null = null;
  if (readStatus) {
    try {
      record = await readStatus(certHash, String(message.certifier));
    } catch {
      record = null;
    }
  }
  const judged = certificationStatus(
    {
      certifier: String(message.certifier),
      validFrom: Number(message.validFrom),
      validUntil: Number(message.validUntil),
    },
    record,
    nowSec,
  );
  return { status: judged.state === "unknown" ? "unreachable" : judged.state, reason: judged.reason };
}
