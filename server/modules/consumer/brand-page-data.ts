import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import { brandOverview } from "../brands";
import { brandLabelStats } from "../labels";
import type { HttpDeps } from "../http-deps";
import { brandPageView, type BrandPageView } from "./web/brand-page";

/** The brand page's data: the brand's public overview plus its label and scan counts; null for no brand. */
export async function brandPageData(deps: HttpDeps, brandId: string): Promise<BrandPageView | null> {
  const overview = await brandOverview(
    { ...deps.useCaseContext, chain: deps.chain },
    brandId,
    deps.config.PUBLIC_BASE_URL,
  );
  if (!overview) return null;
  const id = new Types.ObjectId(overview.id);
  const batches = await new BatchRepository(deps.connection).carrying(id);
  const labels = await brandLabelStats(
    deps.useCaseContext,
    id,
    batches.map((batch) => batch._id),
  );
  return brandPageView(overview, labels);
}
