import type { UseCaseContext } from "../ledger";
import { CertificationRepository } from "./data/certification.repository";

/**
 * Whether `actor` holds a mandate to record inspections on a batch it is not a party of (decision
 * 0020): an auditor always (the operator appoints auditors as regulators, who already read every
 * batch); a certifier while a certification it issued for the batch or for the batch's producer is
 * within its validity period. Anyone else never.
 */
export async function holdsInspectionMandate(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batch: { id: string; producerId: string },
): Promise<boolean> {
  if (actor.roles.includes("auditor")) return true;
  if (!actor.roles.includes("certifier")) return false;
  return new CertificationRepository(ctx.connection).anyValidNamedBy(
    actor.orgId,
    { batchId: batch.id, producerId: batch.producerId },
    Math.floor(ctx.now().getTime() / 1000),
  );
}
