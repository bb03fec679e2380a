import type { ChainClient } from "../../platform/evm/chain-client";
import type { CertificationDoc } from "./data/certification.model";
import { certificationStatus } from "./domain/certification-status";
import { quantityCapOf } from "./domain/certification-typed-data";
import { readChainSnapshot, type ChainSnapshot } from "./certification-chain";

/**
 * API shape of a certification with its live status. `typedData` and `signature` are exactly what
 * the certifier signed: with them anyone recomputes `certHash` (ethers `TypedDataEncoder.hash`)
 * and recovers the certifier (`verifyTypedData`).
 */
export function certificationView(
  certification: CertificationDoc,
  snapshot: ChainSnapshot | null,
  nowSec: number,
) {
  const message = certification.typedData.message;
  const chain = snapshot?.records.get(certification.certHash) ?? null;
  const status = certificationStatus(certification, chain, nowSec);
  return {
    id: certification._id.toHexString(),
    certHash: certification.certHash,
    certifierOrgId: certification.certifierOrgId.toHexString(),
    certifier: certification.certifier,
    scheme: certification.scheme,
    certificateNumber: certification.certificateNumber,
    subject: {
      kind: message.subject.kind,
      id: message.subject.id,
      ...(message.subject.plot ? { plot: message.subject.plot } : {}),
    },
    scope: message.scope,
    issuedAt: iso(message.issuedAt),
    validFrom: iso(message.validFrom),
    validUntil: iso(message.validUntil),
    quantityCap: quantityCapOf(message.quantityCap),
    evidence: message.evidence,
    status: {
      ...status,
      chain: chain
        ? {
            ...chain,
            issuedAt: chain.issuedAt > 0 ? iso(chain.issuedAt) : null,
            updatedAt: chain.updatedAt > 0 ? iso(chain.updatedAt) : null,
          }
        : null,
      certifierRegistered: snapshot?.certifierActive.get(certification.certifier) ?? null,
      blockNumber: snapshot?.blockNumber ?? null,
      checkedAt: iso(nowSec),
    },
    typedData: certification.typedData,
    signature: certification.signature,
    createdAt: new Date(certification.createdAt).toISOString(),
  };
}

/** Reads the registry once (one block) for all the certifications to show. */
export async function snapshotFor(
  chain: ChainClient,
  certifications: readonly CertificationDoc[],
): Promise<ChainSnapshot | null> {
  return readChainSnapshot(chain, certifications);
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
