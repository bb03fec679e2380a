import { Types } from "mongoose";
import { BatchRepository, batchView } from "../batches";
import { organizationNames, type Actor } from "../organizations";
import type { ChainClient } from "../../platform/evm/chain-client";
import type { UseCaseContext } from "../ledger";
import type { CertificationDoc } from "./data/certification.model";
import { CertificationRepository } from "./data/certification.repository";
import { CoverageRepository } from "./data/coverage.repository";
import { certificationView, snapshotFor } from "./certification-views";

/** Batches listed per producer; `batchCount` is always the full count. */
export const CERTIFIED_BATCHES_PER_PRODUCER = 50;

type BatchView = ReturnType<typeof batchView>;

export interface CertifiedProducer {
  producer: { id: string; name: string | null };
  certifications: {
    id: string;
    certificateNumber: string;
    scheme: string;
    subject: { kind: string; id: string };
    state: string;
  }[];
  batchCount: number;
  /** Newest first, each with the ids of the certifier's certifications recorded on it. */
  batches: (Pick<BatchView, "id" | "publicId" | "product" | "lot" | "digitalLink" | "origin" | "status"> & {
    certificationIds: string[];
  })[];
}

/**
 * The producers and batches under a certifier's own certifications (its newest `limit`): a
 * producer or plot subject names the producer; a batch subject, and every batch a certification
 * was recorded on (coverage), name the batch and through it its producer. Status is live from the
 * registry (one read for all), as on the certification routes.
 */
export async function certifiedProducers(
  ctx: UseCaseContext & { chain: ChainClient },
  actor: Actor,
  options: { limit: number; publicBaseUrl: string; nowSec: number },
): Promise<CertifiedProducer[]> {
  const certifications = await new CertificationRepository(ctx.connection).issuedBy(
    actor.orgId,
    options.limit,
  );
  const snapshot = await snapshotFor(ctx.chain, certifications);
  const certificationsOfBatch = new Map<string, string[]>();
  const cover = (batchId: string, certificationId: string) => {
    const ids = certificationsOfBatch.get(batchId) ?? [];
    if (!ids.includes(certificationId)) ids.push(certificationId);
    certificationsOfBatch.set(batchId, ids);
  };
  for (const certification of certifications) {
    if (certification.subjectKind === "batch")
      cover(certification.subjectId, certification._id.toHexString());
  }
  const coverage = await new CoverageRepository(ctx.connection).recordedOfMany(
    certifications.map((c) => c._id),
  );
  for (const pair of coverage) cover(pair.batchId.toHexString(), pair.certificationId.toHexString());
  const batches = await new BatchRepository(ctx.connection).findMany(
    [...certificationsOfBatch.keys()].map((id) => new Types.ObjectId(id)),
  );
  batches.sort((a, b) => Buffer.compare(b._id.id, a._id.id));

  const producers = new Map<string, CertifiedProducer>();
  const producer = (id: string) => {
    let entry = producers.get(id);
    if (!entry) {
      entry = { producer: { id, name: null }, certifications: [], batchCount: 0, batches: [] };
      producers.set(id, entry);
    }
    return entry;
  };
  const producerOfBatch = new Map(
    batches.map((batch) => [batch._id.toHexString(), batch.producerId.toHexString()]),
  );
  for (const certification of certifications) {
    const producerId = producerOf(certification, producerOfBatch);
    if (!producerId) continue;
    const view = certificationView(certification, snapshot, options.nowSec);
    producer(producerId).certifications.push({
      id: view.id,
      certificateNumber: view.certificateNumber,
      scheme: view.scheme,
      subject: { kind: view.subject.kind, id: view.subject.id },
      state: view.status.state,
    });
  }
  for (const batch of batches) {
    const entry = producer(batch.producerId.toHexString());
    entry.batchCount += 1;
    if (entry.batches.length >= CERTIFIED_BATCHES_PER_PRODUCER) continue;
    const { id, publicId, product, lot, digitalLink, origin, status } = batchView(
      batch,
      options.publicBaseUrl,
    );
    entry.batches.push({
      id,
      publicId,
      product,
      lot,
      digitalLink,
      origin,
      status,
      certificationIds: certificationsOfBatch.get(id) ?? [],
    });
  }
  const names = await organizationNames(ctx.connection, [...producers.keys()]);
  for (const [id, entry] of producers) entry.producer.name = names.get(id) ?? null;
  return [...producers.values()];
}

/** The producer a certification is about: its subject organization, or its batch's producer. */
function producerOf(
  certification: CertificationDoc,
  producerOfBatch: Map<string, string>,
): string | undefined {
  return certification.subjectKind === "batch"
    ? producerOfBatch.get(certification.subjectId)
    : certification.subjectId;
}
