import { builtInScheme } from "../certifications";
import type { BundleCertification } from "./domain/proof-bundle-certifications";
import type { CertificationEvidence } from "./domain/verdict";

/**
 * What the consumer page and `/api/verify` show of a batch's certifications: the certifications
 * the proof bundle records (certifying events in the batch's chain and its inputs'), with the
 * validity the certifier signed and the status the verdict used. Stored certification fields and
 * coverage records play no part (issue 13, findings 2 and 6). A certifying event is recorded only
 * within the certification's quantity cap, so every certification shown counts for the batch.
 */
export interface CertificationDisplay {
  certHash: string;
  scheme: string;
  schemeName: { zh: string; en: string };
  certificateNumber: string;
  certifier: string;
  /** The signed validity window (ISO 8601; "" when the certifying event carries no message). */
  validFrom: string;
  validUntil: string;
  status: CertificationEvidence["status"];
  reason: string;
  /** Recorded only on batches this one was made from. */
  inherited: boolean;
}

export function certificationDisplays(
  certifications: readonly BundleCertification[],
  subjectId: string,
): CertificationDisplay[] {
  return certifications.map((certification) => {
    const scheme = builtInScheme(certification.scheme);
    const message = certification.message;
    return {
      certHash: certification.certHash,
      scheme: certification.scheme,
      schemeName: {
        zh: scheme?.name ?? certification.scheme,
        en: scheme?.nameEn ?? certification.scheme,
      },
      certificateNumber: certification.certificateNumber,
      certifier: String(message?.certifier ?? "").toLowerCase(),
      validFrom: message ? iso(message.validFrom) : "",
      validUntil: message ? iso(message.validUntil) : "",
      status: certification.status,
      reason: certification.reason,
      inherited: !certification.batchIds.includes(subjectId),
    };
  });
}

function iso(seconds: number): string {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}
