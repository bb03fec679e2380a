import { builtInScheme } from "../certifications";
import type { BundleCertification } from "./domain/proof-bundle-certifications";
import type { CertificationEvidence } from "./domain/verdict";
import type { ServiceChainReader } from "./verify-chain-reader";

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
  /**
   * For a revoked or suspended certification: who changed its status (the certifier's name as
   * registered on chain), when (the block time) and the reason the certifier gave, from the
   * registry's log; null otherwise or when the chain could not say.
   */
  statusChange: { certifierName: string | null; at: string; reason: string } | null;
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
      statusChange: null,
    };
  });
}

function iso(seconds: number): string {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

/** Adds to each revoked or suspended certification who changed its status, when and why. */
export async function withStatusChanges(
  displays: CertificationDisplay[],
  reader: ServiceChainReader,
): Promise<CertificationDisplay[]> {
  return Promise.all(
    displays.map(async (display) => {
      if (display.status !== "revoked" && display.status !== "suspended") return display;
      try {
        const record = await reader.certificationOf(display.certHash, display.certifier);
        const [change, certifierName] = await Promise.all([
          reader.latestStatusChange(display.certHash, display.certifier, record.updatedAt),
          reader.certifierName(display.certifier),
        ]);
        return change ? { ...display, statusChange: { certifierName, ...change } } : display;
      } catch {
        return display;
      }
    }),
  );
}
