import { ForbiddenError, NotFoundError } from "../../platform/errors";
import { findBatch } from "../batches";
import { canSeeAll, type Actor } from "../organizations";
import type { UseCaseContext } from "../ledger";
import type { CertificationDoc } from "./data/certification.model";

/** Who may act on a certification's coverage and status: its issuing certifier, and admins. */
export function assertMayChangeCertification(actor: Actor, certification: CertificationDoc): void {
  if (actor.roles.includes("admin") || certification.certifierOrgId.toHexString() === actor.orgId) return;
  throw new ForbiddenError("only the certifier that issued this certification can do this");
}

/**
 * The issuer, the subject's producer (or the subject batch's producer and holder), admins and
 * auditors; anyone else is answered as for an unknown certification (404, decision 0020).
 */
export async function assertMayReadCertification(
  ctx: UseCaseContext,
  actor: Actor,
  certification: CertificationDoc,
): Promise<void> {
  if (canSeeAll(actor) || certification.certifierOrgId.toHexString() === actor.orgId) return;
  if (certification.subjectKind !== "batch" && certification.subjectId === actor.orgId) return;
  if (certification.subjectKind === "batch") {
    const batch = await findBatch(ctx, certification.subjectId);
    if ([batch.producerId.toHexString(), batch.holderId.toHexString()].includes(actor.orgId)) return;
  }
  throw new NotFoundError("certification", certification._id.toHexString());
}

/**
 * A batch's certifications: its producer and holder, the issuer of any of them, admins and
 * auditors; anyone else is answered as for an unknown batch (404, decision 0020).
 */
export function assertMayReadBatchCertifications(
  actor: Actor,
  batch: {
    _id: { toHexString(): string };
    producerId: { toHexString(): string };
    holderId: { toHexString(): string };
  },
  certifications: Pick<CertificationDoc, "certifierOrgId">[],
): void {
  const parties = [batch.producerId.toHexString(), batch.holderId.toHexString()];
  const isIssuer = certifications.some(
    (certification) => certification.certifierOrgId.toHexString() === actor.orgId,
  );
  if (!canSeeAll(actor) && !parties.includes(actor.orgId) && !isIssuer) {
    throw new NotFoundError("batch", batch._id.toHexString());
  }
}
