import type { BatchDoc } from "../batches/data/batch.model";
import { BatchRepository } from "../batches/data/batch.repository";
import type { UseCaseContext } from "../ledger";

export type LineageDirection = "upstream" | "downstream";

const MAX_NODES = 2_000;

/**
 * The batch graph around one batch: upstream follows each batch's inputs (splits and
 * transformations) back to the harvest; downstream finds every batch made from it. Breadth-first,
 * one query per level, bounded by MAX_NODES.
 */
export async function lineage(ctx: UseCaseContext, root: BatchDoc, direction: LineageDirection) {
  const batches = new BatchRepository(ctx.connection);
  const nodes = new Map<string, BatchDoc>([[root._id.toHexString(), root]]);
  const edges: { from: string; to: string; kind: string; quantity: { value: number; unit: string } }[] = [];
  let frontier = [root];
  while (frontier.length > 0 && nodes.size < MAX_NODES) {
    const next: BatchDoc[] = [];
    if (direction === "upstream") {
      const parentIds = frontier.flatMap((batch) => (batch.inputs ?? []).map((input) => input.batchId));
      const parents = await batches.findMany(parentIds);
      for (const batch of frontier) {
        for (const input of batch.inputs ?? []) {
          edges.push({
            from: input.batchId.toHexString(),
            to: batch._id.toHexString(),
            kind: input.kind,
            quantity: input.quantity,
          });
        }
      }
      next.push(...parents.filter((parent) => !nodes.has(parent._id.toHexString())));
    } else {
      const ids = frontier.map((batch) => batch._id);
      const children = await batches.madeFrom(ids);
      const frontierIds = new Set(ids.map((id) => id.toHexString()));
      for (const child of children) {
        for (const input of child.inputs) {
          if (frontierIds.has(input.batchId.toHexString())) {
            edges.push({
              from: input.batchId.toHexString(),
              to: child._id.toHexString(),
              kind: input.kind,
              quantity: input.quantity,
            });
          }
        }
      }
      next.push(...children.filter((child) => !nodes.has(child._id.toHexString())));
    }
    for (const batch of next) nodes.set(batch._id.toHexString(), batch);
    frontier = next;
  }
  return {
    root: root._id.toHexString(),
    direction,
    nodes: [...nodes.values()].map(lineageNode),
    edges: dedupe(edges),
    truncated: nodes.size >= MAX_NODES,
  };
}

function lineageNode(batch: BatchDoc) {
  return {
    id: batch._id.toHexString(),
    product: batch.product,
    lot: batch.lot,
    producerId: batch.producerId.toHexString(),
    holderId: batch.holderId.toHexString(),
    status: batch.status,
    quantity: batch.quantity,
    origin: {
      place: batch.origin.place,
      regionCode: batch.origin.regionCode,
      harvestedAt: batch.origin.harvestedAt,
    },
  };
}

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
