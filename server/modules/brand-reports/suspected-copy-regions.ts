import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import { scanRegionCounts, suspectedCopySerials } from "../labels";
import { isSuspectedCopy } from "../verification";
import type { UseCaseContext } from "../ledger";
import { ForbiddenError } from "../../platform/errors";
import { describeRegion, type RegionDescription } from "../../platform/web/region-names";
import { findBrand, mayOverseeBrand } from "../brands";

/** One province of the suspected-copy map: its serials scanned there and their located scans. */
export type SuspectedCopyRegion = RegionDescription & { serials: number; scans: number };

/**
 * Where a brand's suspected copies are scanned, per province, for the brand's owner, auditors and
 * admins (the console draws a map from it): the serials the brand report lists as
 * `suspected_copy_serials`, and their scans whose shoppers shared a region. Scans without one are
 * placed nowhere, so a province's counts are a lower bound.
 */
export async function suspectedCopyRegions(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  brandId: string,
): Promise<{ items: SuspectedCopyRegion[] }> {
  const brand = await findBrand(ctx, brandId);
  if (!mayOverseeBrand(actor, brand)) {
    throw new ForbiddenError(
      `only the owner of brand ${brand.name.zh}, auditors and admins can read where its copies are scanned`,
    );
  }
  const batchIds = (await new BatchRepository(ctx.connection).carrying(brand._id)).map((batch) => batch._id);
  const copied = await suspectedCopySerials(ctx, batchIds, (summary) => isSuspectedCopy(summary));
  const counts = await scanRegionCounts(
    ctx,
    copied.map((item) => new Types.ObjectId(item.serialId)),
  );
  return {
    items: counts.map((count) => ({
      ...describeRegion(count.province)!,
      serials: count.serials,
      scans: count.scans,
    })),
  };
}
