import type { ChainClient } from "../../platform/evm/chain-client";
import {
  CertificationRepository,
  type CertificationScheme,
  certificationStatus,
  snapshotFor,
  type CertificationValidity,
} from "../certifications";
import { organizationNames } from "../organizations";
import type { UseCaseContext } from "../ledger";

/**
 * The producer- and plot-subject certifications of a brand's licensed producers, with their live
 * status from the registry (one read of one block for all of them), as the brand page shows them.
 * Certifications scoped to a category the brand does not cover are left out; batch-subject
 * certifications belong to their batch's page.
 */
export interface ProducerCertification {
  certHash: string;
  scheme: string;
  schemeName: { zh: string; en: string };
  certificateNumber: string;
  certifier: { address: string; name: string };
  subject: { kind: "producer" | "plot"; plot: string | null };
  category: string | null;
  validFrom: string;
  validUntil: string;
  status: CertificationValidity | "unreachable";
  reason: string;
  /** When the certifier last changed its status on chain (revoked, suspended), or null. */
  statusChangedAt: string | null;
  /** Whether the brand requires this certification's scheme. */
  required: boolean;
}

export async function producerCertifications(
  ctx: UseCaseContext & { chain: ChainClient },
  producerIds: readonly string[],
  brand: { categories: readonly string[]; requiredSchemes: readonly string[] },
  schemes: readonly CertificationScheme[],
  nowSec: number,
): Promise<Map<string, ProducerCertification[]>> {
  const byProducer = new Map<string, ProducerCertification[]>(producerIds.map((id) => [id, []]));
  const stored = await new CertificationRepository(ctx.connection).ofProducers(producerIds);
  const certifications = stored.filter((certification) => {
    const category = certification.typedData.message.scope.category;
    return !category || brand.categories.includes(category);
  });
  if (certifications.length === 0) return byProducer;
  const [snapshot, certifierNames] = await Promise.all([
    snapshotFor(ctx.chain, certifications),
    organizationNames(
      ctx.connection,
      certifications.map((item) => item.certifierOrgId.toHexString()),
    ),
  ]);
  for (const certification of certifications) {
    const message = certification.typedData.message;
    const record = snapshot?.records.get(certification.certHash) ?? null;
    const status = certificationStatus(certification, record, nowSec);
    const scheme = schemes.find((item) => item.code === certification.scheme);
    byProducer.get(certification.subjectId)?.push({
      certHash: certification.certHash,
      scheme: certification.scheme,
      schemeName: { zh: scheme?.name ?? certification.scheme, en: scheme?.nameEn ?? certification.scheme },
      certificateNumber: certification.certificateNumber,
      certifier: {
        address: certification.certifier,
        name: certifierNames.get(certification.certifierOrgId.toHexString()) ?? certification.certifier,
      },
      subject: {
        kind: certification.subjectKind === "plot" ? "plot" : "producer",
        plot: message.subject.plot || null,
      },
      category: message.scope.category || null,
      validFrom: iso(certification.validFrom),
      validUntil: iso(certification.validUntil),
      status: status.state === "unknown" ? "unreachable" : status.state,
      reason: status.reason,
      statusChangedAt: record && record.updatedAt > 0 ? iso(record.updatedAt) : null,
      required: brand.requiredSchemes.includes(certification.scheme),
    });
  }
  return byProducer;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
