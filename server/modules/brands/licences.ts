import { Types } from "mongoose";
import { CertificationRepository, type CertificationDoc, quantityCapOf } from "../certifications";
import type { LicenceDoc } from "./data/licence.model";
import { LicenceRepository } from "./data/licence.repository";
import { OrganizationRepository } from "../organizations";
import type { TraceEventDoc, UseCaseContext } from "../ledger";
import { licenceTransition, roundQuantity, type LicenceAction } from "./domain/brand-rules";
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from "../../platform/errors";
import { appendBrandEvent, findBrand } from "./brands";
import { assertBrandOwner, type BrandActor } from "./brands-policy";

export interface NewLicence {
  producer: string;
  category: string;
  period: { from: string; until: string };
  quota?: { value: number; unit: string };
  /** A certification of the producer whose quantity cap becomes the quota. */
  quotaFromCertification?: string;
}

/**
 * Issues a licence and records it on the brand's register. The licence document is written first
 * so that it is usable exactly when the register says it was issued (decision 0010).
 */
export async function issueLicence(
  ctx: UseCaseContext,
  actor: BrandActor,
  brandId: string,
  input: NewLicence,
): Promise<{ licence: LicenceDoc; event: TraceEventDoc }> {
  const brand = await findBrand(ctx, brandId);
  assertBrandOwner(actor, brand);
  await assertProducer(ctx, input.producer);
  if (!brand.categories.includes(input.category)) {
    throw ValidationError.forField(
      "body.category",
      `is not a category of this brand (${brand.categories.join(", ")})`,
      422,
    );
  }
  const certification = input.quotaFromCertification
    ? await quotaCertification(ctx, input.quotaFromCertification, input.producer)
    : undefined;
  const quota = input.quota ?? quantityCapOf(certification!.typedData.message.quantityCap)!;
  const now = ctx.now();
  const licence: LicenceDoc = {
    _id: new Types.ObjectId(),
    brandId: brand._id,
    producerId: new Types.ObjectId(input.producer),
    category: input.category,
    period: input.period,
    quota,
    ...(certification ? { quotaCertificationId: certification._id } : {}),
    used: 0,
    remaining: quota.value,
    status: "active",
    statusChangedAt: now,
    createdAt: now,
  };
  const licences = new LicenceRepository(ctx.connection);
  await licences.insert(licence);
  const event = await appendBrandEvent(ctx, brandId, actor.orgId, {
    type: "licence_issued",
    eventTime: now.toISOString(),
    data: {
      licenceId: licence._id.toHexString(),
      producer: input.producer,
      category: input.category,
      period: input.period,
      quota,
      ...(certification ? { quotaCertification: certification.certHash } : {}),
    },
  });
  await licences.setStatusEvent(licence._id, event._id);
  return { licence: { ...licence, statusEventId: event._id }, event };
}

/**
 * Suspends, reinstates or revokes a licence. The status is changed by a compare-and-set on the
 * current status (so two owners acting at once cannot both succeed, and a claim in flight sees
 * either status), then the change is recorded on the brand's register.
 */
export async function changeLicenceStatus(
  ctx: UseCaseContext,
  actor: BrandActor,
  licenceId: string,
  action: LicenceAction,
  reason: string | undefined,
): Promise<{ licence: LicenceDoc; event: TraceEventDoc }> {
  const licence = await findLicence(ctx, licenceId);
  const brand = await findBrand(ctx, licence.brandId.toHexString());
  assertBrandOwner(actor, brand);
  const transition = licenceTransition(licence.status, action);
  if ("problem" in transition) {
    throw new UnprocessableError("LICENCE_STATE", transition.problem, { status: licence.status });
  }
  const now = ctx.now();
  const licences = new LicenceRepository(ctx.connection);
  const changed = await licences.changeStatus(licence._id, {
    from: licence.status,
    to: transition.to,
    at: now,
    reason,
  });
  if (!changed) {
    throw new ConflictError(`licence ${licenceId} was changed at the same time; read it again and retry`);
  }
  const event = await appendBrandEvent(ctx, brand._id.toHexString(), actor.orgId, {
    type: `licence_${transition.to === "active" ? "reinstated" : transition.to}`,
    eventTime: now.toISOString(),
    data: { licenceId, from: licence.status, to: transition.to, ...(reason ? { reason } : {}) },
  });
  await licences.setStatusEvent(licence._id, event._id);
  return { licence: await findLicence(ctx, licenceId), event };
}

export async function findLicence(ctx: UseCaseContext, licenceId: string): Promise<LicenceDoc> {
  const licence = Types.ObjectId.isValid(licenceId)
    ? await new LicenceRepository(ctx.connection).findById(licenceId)
    : null;
  if (!licence) throw new NotFoundError("licence", licenceId);
  return licence;
}

export async function listLicences(
  ctx: UseCaseContext,
  filter: { brandId?: Types.ObjectId; producerId?: Types.ObjectId },
): Promise<LicenceDoc[]> {
  return new LicenceRepository(ctx.connection).list(filter);
}

/** A producer's licences, of every brand. */
export function listLicencesOfProducer(ctx: UseCaseContext, producerId: string): Promise<LicenceDoc[]> {
  return listLicences(ctx, { producerId: new Types.ObjectId(producerId) });
}

export function licenceView(licence: LicenceDoc) {
  return {
    id: licence._id.toHexString(),
    brandId: licence.brandId.toHexString(),
    producerId: licence.producerId.toHexString(),
    category: licence.category,
    period: licence.period,
    quota: licence.quota,
    used: { value: roundQuantity(licence.used), unit: licence.quota.unit },
    remaining: { value: roundQuantity(licence.remaining), unit: licence.quota.unit },
    ...(licence.quotaCertificationId
      ? { quotaCertificationId: licence.quotaCertificationId.toHexString() }
      : {}),
    status: licence.status,
    statusChangedAt: new Date(licence.statusChangedAt).toISOString(),
    ...(licence.statusReason ? { statusReason: licence.statusReason } : {}),
    statusEventId: licence.statusEventId?.toHexString() ?? null,
    createdAt: new Date(licence.createdAt).toISOString(),
  };
}

async function assertProducer(ctx: UseCaseContext, orgId: string): Promise<void> {
  const org = await new OrganizationRepository(ctx.connection).findById(orgId);
  if (!org) throw ValidationError.forField("body.producer", "must be the id of an organization", 422);
  if (!org.roles.includes("producer") && !org.roles.includes("processor")) {
    throw ValidationError.forField(
      "body.producer",
      "must be an organization with the producer or processor role",
      422,
    );
  }
}

/** The certification a quota is derived from: the producer's own, with a quantity cap. */
async function quotaCertification(
  ctx: UseCaseContext,
  certificationId: string,
  producerId: string,
): Promise<CertificationDoc> {
  const field = "body.quotaFromCertification";
  const certification = await new CertificationRepository(ctx.connection).findById(certificationId);
  if (!certification) throw ValidationError.forField(field, "must be the id of a stored certification", 422);
  if (certification.subjectKind === "batch" || certification.subjectId !== producerId) {
    throw ValidationError.forField(
      field,
      "must be a producer or plot certification of the licensed producer",
      422,
    );
  }
  if (!quantityCapOf(certification.typedData.message.quantityCap)) {
    throw ValidationError.forField(field, "must be a certification with a quantity cap", 422);
  }
  return certification;
}
