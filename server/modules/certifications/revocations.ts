import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import type { ChainClient } from "../../platform/evm/chain-client";
import type { UseCaseContext } from "../ledger";
import { CertificationRepository } from "./data/certification.repository";
import { CoverageRepository } from "./data/coverage.repository";
import { StatusChangeRepository } from "./data/status-change.repository";
import { certificationStatus } from "./domain/certification-status";
import { snapshotFor } from "./certification-views";

export interface Revocation {
  certificationId: string;
  certificateNumber: string;
  scheme: string;
  certifierOrgId: string;
  subject: { kind: string; id: string };
  /** Origin regions (GB/T 2260) of the batches it was recorded on; else its scope's region prefix. */
  regionCodes: string[];
  /** The registry's time of the change (the chain's word, not the database's). */
  revokedAt: string | null;
  /** The certifier's signed reason, when this service relayed the revocation. */
  reason: string | null;
}

/**
 * The certifications revoked on chain whose region lies under `regionPrefix` (every one without a
 * prefix). Revoked means the registry says so now (one read per certification, at one block): a
 * revocation sent to the registry directly counts as much as one relayed here. A certification's
 * region is where consumers meet it: the origins of the batches it was recorded on (a batch
 * subject, or a producer's batches through coverage); one recorded on no batch has its signed
 * scope's region prefix, or none.
 */
export async function revocationsIn(
  ctx: UseCaseContext & { chain: ChainClient },
  regionPrefix: string | undefined,
  nowSec: number,
): Promise<Revocation[]> {
  const certifications = await new CertificationRepository(ctx.connection).naming();
  const snapshot = await snapshotFor(ctx.chain, certifications);
  const revoked = certifications.filter(
    (certification) =>
      certificationStatus(certification, snapshot?.records.get(certification.certHash) ?? null, nowSec)
        .state === "revoked",
  );
  if (!revoked.length) return [];
  const ids = revoked.map((certification) => certification._id);
  const batchesOf = new Map<string, string[]>();
  const cover = (certificationId: string, batchId: string) =>
    batchesOf.set(certificationId, [...(batchesOf.get(certificationId) ?? []), batchId]);
  for (const certification of revoked) {
    if (certification.subjectKind === "batch")
      cover(certification._id.toHexString(), certification.subjectId);
  }
  for (const pair of await new CoverageRepository(ctx.connection).recordedOfMany(ids)) {
    cover(pair.certificationId.toHexString(), pair.batchId.toHexString());
  }
  const batchIds = [...new Set([...batchesOf.values()].flat())];
  const regionOf = new Map(
    (await new BatchRepository(ctx.connection).findMany(batchIds.map((id) => new Types.ObjectId(id)))).map(
      (batch) => [batch._id.toHexString(), batch.origin.regionCode],
    ),
  );
  const reasons = new Map(
    (await new StatusChangeRepository(ctx.connection).minedRevocationsOf(ids)).map((change) => [
      change.certificationId.toHexString(),
      change.reason,
    ]),
  );
  return revoked
    .map((certification): Revocation => {
      const id = certification._id.toHexString();
      const fromBatches = (batchesOf.get(id) ?? []).map((batchId) => regionOf.get(batchId)).filter(Boolean);
      const scopePrefix = certification.typedData.message.scope.regionCodePrefix;
      const chain = snapshot?.records.get(certification.certHash);
      return {
        certificationId: id,
        certificateNumber: certification.certificateNumber,
        scheme: certification.scheme,
        certifierOrgId: certification.certifierOrgId.toHexString(),
        subject: { kind: certification.subjectKind, id: certification.subjectId },
        regionCodes: fromBatches.length
          ? [...new Set(fromBatches as string[])].sort()
          : scopePrefix
            ? [scopePrefix]
            : [],
        revokedAt: chain?.updatedAt ? new Date(chain.updatedAt * 1000).toISOString() : null,
        reason: reasons.get(id) ?? null,
      };
    })
    .filter(
      (revocation) => !regionPrefix || revocation.regionCodes.some((code) => code.startsWith(regionPrefix)),
    );
}
