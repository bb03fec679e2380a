import type { UseCaseContext } from "../ledger";
import { readChainSnapshot } from "./certification-chain";
import { CertificationRepository } from "./data/certification.repository";
import { certificationStatus } from "./domain/certification-status";

/**
 * Whether `actor` holds a mandate to record inspections on a batch it is not a party of (decision
 * 0020): an auditor always (the operator appoints auditors as regulators, who already read every
 * batch); a certifier while a certification it issued for the batch or for the batch's producer is
 * valid: within its validity period and, on chain, issued by it and neither suspended nor revoked
 * (the status pages and verdicts show, read through the per-block cache of certification views).
 * A chain that cannot be read grants no mandate. Anyone else never.
 */
export async function holdsInspectionMandate(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batch: { id: string; producerId: string },
): Promise<boolean> {
  if (actor.roles.includes("auditor")) return true;
  if (!actor.roles.includes("certifier")) return false;
  const nowSec = Math.floor(ctx.now().getTime() / 1000);
  const candidates = await new CertificationRepository(ctx.connection).validNamedBy(
    actor.orgId,
    { batchId: batch.id, producerId: batch.producerId },
    nowSec,
  );
  if (candidates.length === 0 || !ctx.chain) return false;
  const snapshot = await readChainSnapshot(ctx.chain, candidates);
  if (!snapshot) return false;
  return candidates.some(
    (candidate) =>
      certificationStatus(candidate, snapshot.records.get(candidate.certHash) ?? null, nowSec).state ===
      "valid",
  );
}
