import { BatchRepository, type BatchDoc, findBatch, lineage } from "../batches";
import type { CertificationDoc } from "./data/certification.model";
import { CertificationRepository } from "./data/certification.repository";
import {
  coverageOf,
  withinCap,
  type CoverableBatch,
  type CoverageVia,
} from "./domain/certification-coverage";
import { quantityCapOf } from "./domain/certification-typed-data";
import type { UseCaseContext } from "../ledger";

export interface Covering {
  certification: CertificationDoc;
  batchId: string;
  via: CoverageVia;
  withinCap: boolean;
}

export function coverableBatch(batch: BatchDoc): CoverableBatch {
  return {
    id: batch._id.toHexString(),
    producerId: batch.producerId.toHexString(),
    category: batch.product.category,
    regionCode: batch.origin.regionCode,
    place: batch.origin.place,
    harvestedAt: batch.origin.harvestedAt,
    quantity: batch.quantity,
  };
}

/**
 * The certifications that cover `batch` directly (as their subject, or by a producer/plot rule),
 * evaluated now, so batches registered after the certification are covered too.
 */
export async function certificationsCovering(
  ctx: UseCaseContext,
  batch: CoverableBatch,
): Promise<Covering[]> {
  return coveringAll(ctx, [batch]);
}

/**
 * The certifications of a batch and of every batch upstream of it (splits, transformations), so
 * that a revoked certification of an input shows on everything made from it. Each item says
 * which batches of the lineage it covers and whether it is inherited (covers none of them but
 * the batch itself).
 */
export async function effectiveCertifications(ctx: UseCaseContext, batchId: string) {
  const root = await findBatch(ctx, batchId);
  const graph = await lineage(ctx, root, "upstream");
  const nodes: CoverableBatch[] = graph.nodes.map((node) => ({
    id: node.id,
    producerId: node.producerId,
    category: node.product.category,
    regionCode: node.origin.regionCode,
    place: node.origin.place,
    harvestedAt: node.origin.harvestedAt,
    quantity: node.quantity,
  }));
  const coverings = await coveringAll(ctx, nodes);
  const byCertification = new Map<
    string,
    { certification: CertificationDoc; covers: Omit<Covering, "certification">[] }
  >();
  for (const { certification, ...covers } of coverings) {
    const key = certification._id.toHexString();
    const entry = byCertification.get(key) ?? { certification, covers: [] };
    entry.covers.push(covers);
    byCertification.set(key, entry);
  }
  const items = [...byCertification.values()].map((entry) => ({
    ...entry,
    inherited: !entry.covers.some((covers) => covers.batchId === batchId),
  }));
  return { root, items, truncated: graph.truncated };
}

async function coveringAll(ctx: UseCaseContext, batches: CoverableBatch[]): Promise<Covering[]> {
  if (batches.length === 0) return [];
  const certifications = await new CertificationRepository(ctx.connection).namingBatchesOrProducers(
    batches.map((batch) => batch.id),
    [...new Set(batches.map((batch) => batch.producerId))],
  );
  const result: Covering[] = [];
  for (const certification of certifications) {
    const rule = certification.typedData.message;
    const covered = batches.flatMap((batch) => {
      const via = coverageOf(rule, batch);
      return via ? [{ batch, via }] : [];
    });
    if (covered.length === 0) continue;
    const caps = needsCapOrder(certification)
      ? withinCap(rule.quantityCap, await coveredByRule(ctx, certification))
      : null;
    for (const { batch, via } of covered) {
      result.push({
        certification,
        batchId: batch.id,
        via,
        withinCap: caps ? (caps.get(batch.id) ?? false) : true,
      });
    }
  }
  return result;
}

function needsCapOrder(certification: CertificationDoc): boolean {
  return (
    certification.subjectKind !== "batch" &&
    quantityCapOf(certification.typedData.message.quantityCap) !== null
  );
}

/** Every batch a certification covers now, in registration order (the order the cap counts in). */
export async function coveredByRule(
  ctx: UseCaseContext,
  certification: CertificationDoc,
): Promise<CoverableBatch[]> {
  const message = certification.typedData.message;
  const batches = new BatchRepository(ctx.connection);
  const covered =
    message.subject.kind === "batch"
      ? [await batches.findById(message.subject.id)].filter((batch) => batch !== null)
      : await batches.producedBy(message.subject.id, {
          category: message.scope.category,
          place: message.subject.kind === "plot" ? message.subject.plot : undefined,
        });
  return covered.map(coverableBatch).filter((batch) => coverageOf(message, batch) !== null);
}
