import type { Connection } from "mongoose";
import { ForbiddenError, NotFoundError, ValidationError } from "../../platform/errors";
import { canSeeAll, type Actor } from "../organizations";
import { BatchRepository } from "../batches";
import { BrandRepository, mayOverseeBrand } from "../brands";
import { CertificationRepository } from "../certifications";
import type { AuditScope } from "./domain/audit-run";

/**
 * Who may audit what (decision 0009). Admins and auditors audit anything; a certifier audits the
 * batches and producers its own certifications name (a batch subject, or a producer / plot
 * subject's organization); a brand owner runs audits of its own brand (its batches and its
 * licence register). Every audit route asks here, nowhere else.
 */
export async function assertMayAuditBatch(
  connection: Connection,
  actor: Actor,
  batchId: string,
): Promise<void> {
  if (canSeeAll(actor)) return;
  const producerId = await new BatchRepository(connection).producerOf(batchId);
  if (!producerId) throw new NotFoundError("batch", batchId);
  if (
    !(await new CertificationRepository(connection).anyNamedBy(actor.orgId, [
      batchId,
      producerId.toHexString(),
    ]))
  ) {
    throw new ForbiddenError("a certifier may audit only batches and producers its own certifications name");
  }
}

/** A run over a brand needs the brand's owner (or an auditor, an admin); other runs, see above. */
export async function assertMayStartAuditRun(
  connection: Connection,
  actor: Actor,
  scope: AuditScope,
): Promise<void> {
  if (scope.brandId !== undefined) {
    const ownerId = await new BrandRepository(connection).ownerOf(scope.brandId);
    if (!ownerId) throw ValidationError.forField("body.scope.brandId", "is not a registered brand", 422);
    if (mayOverseeBrand(actor, { ownerId })) return;
    throw new ForbiddenError("only the brand's owner, auditors and admins can audit a brand");
  }
  if (canSeeAll(actor)) return;
  if (!actor.roles.includes("certifier")) {
    throw new ForbiddenError("a brand owner may audit only its own brand: give scope.brandId");
  }
  if (!scope.orgId) throw new ForbiddenError("a certifier must limit an audit run to scope.orgId");
  const batchIds = await new BatchRepository(connection).idsProducedBy(scope.orgId);
  if (!(await new CertificationRepository(connection).anyNamedBy(actor.orgId, [scope.orgId, ...batchIds]))) {
    throw new ForbiddenError("a certifier may audit only producers its own certifications name");
  }
}

/** Admins and auditors read every run; others only the runs they requested. */
export function mayReadAuditRun(actor: Actor, run: { requestedBy: { toHexString(): string } }): boolean {
  return canSeeAll(actor) || run.requestedBy.toHexString() === actor.orgId;
}
