import { Types } from "mongoose";
import type { BatchDoc, BatchBrand, BrandClaimCandidate as ClaimCandidate, BrandClaims } from "../batches";
import type { BrandDoc } from "./data/brand.model";
import { BrandRepository } from "./data/brand.repository";
import {
  type CertificationDoc,
  withinCap,
  type CoverableBatch,
  certificationStatus,
  certificationsCovering,
  coveredByRule,
  snapshotFor,
} from "../certifications";
import type { LicenceDoc } from "./data/licence.model";
import { LicenceRepository } from "./data/licence.repository";
import {
  isInBrandRegion,
  licenceMismatch,
  quotaProblem,
  type BrandClaimCandidate,
} from "./domain/brand-rules";
import { ChainError, UnprocessableError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";

export class BrandClaimError extends UnprocessableError {
  constructor(
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
    field = "body.brand",
  ) {
    super("BRAND_CLAIM_REFUSED", `${field}: the batch cannot carry the brand: ${reason}`, {
      field,
      ...extra,
    });
  }

  /** The same refusal, naming the request field the brand came from. */
  at(field: string): BrandClaimError {
    return new BrandClaimError(this.reason, this.extra, field);
  }
}

/**
 * Claims a brand for a batch about to be registered: the brand's region and category must match,
 * the producer must hold an active licence for the category and the harvest date, every scheme the
 * brand requires must be certified (valid on chain, within its quantity cap), and the licence's
 * remaining quota must cover the batch. The quota is taken last, by one conditional update, so
 * concurrent claims never exceed it. Call `releaseBrandClaim` if the registration then fails.
 */
export async function claimBrand(
  ctx: UseCaseContext,
  brandId: string,
  batch: ClaimCandidate,
): Promise<BatchBrand> {
  const { brand, licences } = await checkBrandClaim(ctx, brandId, batch);
  const problems: string[] = [];
  for (const licence of licences) {
    const problem = quotaProblem(licence.quota, licence.remaining, batch.quantity);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const licences = new LicenceRepository(ctx.connection);
    if (await licences.takeQuota(licence._id, batch.quantity.value))
      return { brand: brand.name.zh, brandId: brand._id, licenceId: licence._id };
    const now = await licences.findById(licence._id);
    problems.push(
      now?.status !== "active"
        ? `the licence was ${now?.status ?? "removed"} meanwhile`
        : (quotaProblem(now.quota, now.remaining, batch.quantity) ?? "the quota was taken meanwhile"),
    );
  }
  throw new BrandClaimError(problems.join("; "), {
    licenceIds: licences.map((item) => item._id.toHexString()),
  });
}

/**
 * Every check of a claim except taking the quota: the brand, and the producer's licences that
 * cover the batch (active, category, period). For planners (EPCIS capture, import) that must
 * refuse before writing anything; `claimBrand` still decides.
 */
export async function checkBrandClaim(
  ctx: UseCaseContext,
  brandId: string,
  batch: ClaimCandidate,
): Promise<{ brand: BrandDoc; licences: LicenceDoc[] }> {
  const brand = await findBrandForClaim(ctx, brandId);
  if (!brand.categories.includes(batch.category)) {
    throw new BrandClaimError(
      `${brand.name.zh} covers ${brand.categories.join(", ")}, not ${batch.category}`,
    );
  }
  if (!isInBrandRegion(brand.regionCodes, batch.regionCode)) {
    throw new BrandClaimError(
      `the origin ${batch.regionCode} is outside the brand's regions (${brand.regionCodes.join(", ")})`,
    );
  }
  const licences = await applicableLicences(ctx, brand, batch);
  await assertRequiredCertifications(ctx, brand, batch);
  return { brand, licences };
}

/** Gives back the quota of a claim whose batch was not registered after all. */
export async function releaseBrandClaim(
  ctx: UseCaseContext,
  claim: BatchBrand,
  quantity: number,
): Promise<void> {
  await new LicenceRepository(ctx.connection).returnQuota(claim.licenceId, quantity);
}

/**
 * The brand of a batch made from other batches (a split, or a transformation such as fresh leaves
 * → finished tea): inherited, without taking quota again, when every input carries that brand.
 * Null when the inputs do not all carry it (the output must then claim quota of its own).
 */
export function inheritedBrand(
  brandId: string,
  inputs: readonly Pick<BatchDoc, "brand" | "brandId" | "licenceId">[],
): BatchBrand | null {
  if (inputs.length === 0 || !inputs.every((input) => input.brandId?.toHexString() === brandId)) return null;
  const [first] = inputs;
  return { brand: first.brand!, brandId: first.brandId!, licenceId: first.licenceId! };
}

async function findBrandForClaim(ctx: UseCaseContext, brandId: string): Promise<BrandDoc> {
  const brand = Types.ObjectId.isValid(brandId)
    ? await new BrandRepository(ctx.connection).findById(brandId)
    : null;
  if (!brand) throw new BrandClaimError(`no registered brand has the id ${brandId} (GET /api/brands)`);
  return brand;
}

/** The producer's active licences of the brand that cover the batch, or a refusal saying why none. */
async function applicableLicences(
  ctx: UseCaseContext,
  brand: BrandDoc,
  batch: BrandClaimCandidate,
): Promise<LicenceDoc[]> {
  const held = await new LicenceRepository(ctx.connection).list({
    brandId: brand._id,
    producerId: new Types.ObjectId(batch.producerId),
  });
  if (held.length === 0) throw new BrandClaimError(`the producer holds no licence of ${brand.name.zh}`);
  const reasons: string[] = [];
  const usable = held.filter((licence) => {
    const mismatch =
      licenceMismatch({ ...licence, producerId: licence.producerId.toHexString() }, batch) ??
      (licence.status === "active" ? null : `licence ${licence._id.toHexString()} is ${licence.status}`);
    if (mismatch) reasons.push(mismatch);
    return mismatch === null;
  });
  if (usable.length === 0) throw new BrandClaimError(reasons.join("; "));
  return usable;
}

/** Every scheme the brand requires needs a certification covering the batch that is valid now. */
async function assertRequiredCertifications(
  ctx: UseCaseContext,
  brand: BrandDoc,
  batch: ClaimCandidate,
): Promise<void> {
  if (brand.requiredSchemes.length === 0) return;
  if (!ctx.chain) throw new Error("brand claims need the chain client in the append context");
  const candidate: CoverableBatch = { ...batch, id: batch.id.toHexString() };
  const coverings = (await certificationsCovering(ctx, candidate)).map((item) => item.certification);
  const relevant = coverings.filter((certification) => brand.requiredSchemes.includes(certification.scheme));
  const snapshot = relevant.length > 0 ? await snapshotFor(ctx.chain, relevant) : null;
  if (relevant.length > 0 && !snapshot) {
    throw new ChainError(
      "the registry could not be read to check the brand's required certifications; retry",
    );
  }
  const nowSec = Math.floor(ctx.now().getTime() / 1000);
  const missing: string[] = [];
  for (const scheme of brand.requiredSchemes) {
    const ofScheme = relevant.filter((certification) => certification.scheme === scheme);
    let why = `no ${scheme} certification covers the batch`;
    let satisfied = false;
    for (const certification of ofScheme) {
      const status = certificationStatus(
        certification,
        snapshot?.records.get(certification.certHash) ?? null,
        nowSec,
      );
      if (status.state !== "valid") {
        why = `${scheme} certificate ${certification.certificateNumber} is ${status.state}`;
      } else if (!(await fitsCap(ctx, certification, candidate))) {
        why = `${scheme} certificate ${certification.certificateNumber} has no quantity left under its cap`;
      } else {
        satisfied = true;
        break;
      }
    }
    if (!satisfied) missing.push(why);
  }
  if (missing.length > 0)
    throw new BrandClaimError(missing.join("; "), { requiredSchemes: brand.requiredSchemes });
}

/** Whether the batch, counted after every batch the certification already covers, stays in its cap. */
async function fitsCap(
  ctx: UseCaseContext,
  certification: CertificationDoc,
  batch: CoverableBatch,
): Promise<boolean> {
  if (certification.subjectKind === "batch") return true;
  const covered = await coveredByRule(ctx, certification);
  return withinCap(certification.typedData.message.quantityCap, [...covered, batch]).get(batch.id) ?? false;
}

/** The brands module's side of batch registration (the batches module's BrandClaims port). */
export const brandClaims: BrandClaims = { claim: claimBrand, release: releaseBrandClaim };
