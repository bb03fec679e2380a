import type { ChainClient } from "../../platform/evm/chain-client";
import { builtInScheme } from "../certifications/domain/certification-schemes";
import { certificationStatus } from "../certifications/domain/certification-status";
import type { CertificationEvidence } from "./domain/verdict";
import type { UseCaseContext } from "../ledger/append-event";
import { effectiveCertifications } from "../certifications/coverage-lookup";
import { snapshotFor } from "../certifications/certification-views";

/**
 * Adapter to the certifications module: the certifications of a batch and of its inputs
 * (`effectiveCertifications`), with their live status from the registry (`snapshotFor` +
 * `certificationStatus`), as verdict evidence and as what the consumer page shows. A certification
 * whose quantity cap this batch exceeds does not count for it and is listed as such.
 */
export interface CertificationDisplay {
  certHash: string;
  scheme: string;
  schemeName: { zh: string; en: string };
  certificateNumber: string;
  certifier: string;
  validFrom: string;
  validUntil: string;
  status: CertificationEvidence["status"];
  reason: string;
  inherited: boolean;
  withinCap: boolean;
}

export async function liveCertifications(
  ctx: UseCaseContext & { chain: ChainClient },
  batchId: string,
  nowSec: number,
): Promise<{ evidence: CertificationEvidence[]; display: CertificationDisplay[] }> {
  const { items } = await effectiveCertifications(ctx, batchId);
  if (items.length === 0) return { evidence: [], display: [] };
  const snapshot = await snapshotFor(
    ctx.chain,
    items.map((item) => item.certification),
  );
  const display = items.map(({ certification, covers, inherited }): CertificationDisplay => {
    const record = snapshot?.records.get(certification.certHash) ?? null;
    const status = certificationStatus(certification, record, nowSec);
    const scheme = builtInScheme(certification.scheme);
    return {
      certHash: certification.certHash,
      scheme: certification.scheme,
      schemeName: { zh: scheme?.name ?? certification.scheme, en: scheme?.nameEn ?? certification.scheme },
      certificateNumber: certification.certificateNumber,
      certifier: certification.certifier,
      validFrom: new Date(certification.validFrom * 1000).toISOString(),
      validUntil: new Date(certification.validUntil * 1000).toISOString(),
      status: status.state === "unknown" ? "unreachable" : status.state,
      reason: status.reason,
      inherited,
      withinCap: covers.some((cover) => cover.withinCap),
    };
  });
  const evidence = display
    .filter((item) => item.withinCap)
    .map((item) => ({
      certHash: item.certHash,
      name: `${item.schemeName.en} ${item.certificateNumber}`,
      status: item.status,
    }));
  return { evidence, display };
}
