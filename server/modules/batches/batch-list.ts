import type { z } from "zod";
import { listBatches } from "./batches";
import { batchView } from "./batch-view";
import { sealedFieldsHiddenFrom } from "./sealed-batch-fields";
import type { listBatchesQuery } from "./http/batches.schemas";
import type { UseCaseContext } from "../ledger";
import { canSeeAll, type Actor } from "../organizations";

/**
 * What `GET /api/batches` answers `actor`: its batches (every batch for auditors and admins),
 * private fields hidden from whoever may not read them. The console's server-rendered first
 * screen shows exactly this answer, never more.
 */
export async function batchListFor(
  ctx: UseCaseContext,
  actor: Actor,
  query: z.output<typeof listBatchesQuery>,
  base: string,
) {
  const page = await listBatches(ctx, { ...query, visibleTo: canSeeAll(actor) ? undefined : actor.orgId });
  const sealed = await sealedFieldsHiddenFrom(ctx, actor, page.items);
  return {
    items: page.items.map((batch) => batchView(batch, base, sealed.get(batch._id.toHexString()))),
    nextCursor: page.nextCursor,
  };
}
