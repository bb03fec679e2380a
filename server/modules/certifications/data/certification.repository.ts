import { Types, type Connection } from "mongoose";
import { certificationModel, type CertificationDoc } from "./certification.model";

/** Stored certifications (never updated: their status lives on chain), as plain objects. */
export class CertificationRepository {
  constructor(private readonly connection: Connection) {}

  private get certifications() {
    return certificationModel(this.connection);
  }

  async findById(id: string | Types.ObjectId): Promise<CertificationDoc | null> {
    return this.certifications.findById(id).lean<CertificationDoc>();
  }

  async findByCertHash(certHash: string): Promise<CertificationDoc | null> {
    return this.certifications.findOne({ certHash: certHash.toLowerCase() }).lean<CertificationDoc>();
  }

  /**
   * Stores the certification unless one with its certHash is stored: an upsert keyed by the hash,
   * atomic on every engine. The id of the one already stored, or null if this one was inserted.
   */
  async insertOnce(certification: CertificationDoc): Promise<{ existingId: string | undefined } | null> {
    const collection = this.certifications.collection;
    const result = await collection.updateOne(
      { certHash: certification.certHash },
      { $setOnInsert: certification },
      { upsert: true },
    );
    if (result.upsertedCount === 1) return null;
    const existing = await collection.findOne({ certHash: certification.certHash });
    return { existingId: existing?._id.toHexString() };
  }

  /** Certifications of any of these batches or of their producers (producer and plot subjects), in id order. */
  async namingBatchesOrProducers(batchIds: string[], producerIds: string[]): Promise<CertificationDoc[]> {
    return this.certifications
      .find({
        $or: [
          { subjectKind: "batch", subjectId: { $in: batchIds } },
          { subjectKind: { $in: ["producer", "plot"] }, subjectId: { $in: producerIds } },
        ],
      })
      .sort({ _id: 1 })
      .lean<CertificationDoc[]>();
  }

  /** Producer and plot certifications of these producers, in id order. */
  async ofProducers(producerIds: readonly string[]): Promise<CertificationDoc[]> {
    return this.certifications
      .find({ subjectKind: { $in: ["producer", "plot"] }, subjectId: { $in: [...producerIds] } })
      .sort({ _id: 1 })
      .lean<CertificationDoc[]>();
  }

  /** The newest `limit` certifications an organization issued (all organizations' when `certifierOrgId` is absent). */
  async issuedBy(certifierOrgId: string | undefined, limit: number): Promise<CertificationDoc[]> {
    return this.certifications
      .find(certifierOrgId ? { certifierOrgId: new Types.ObjectId(certifierOrgId) } : {})
      .sort({ _id: -1 })
      .limit(limit)
      .lean<CertificationDoc[]>();
  }

  /** Whether the certifier issued a certification naming any of the subjects (batch or organization ids). */
  async anyNamedBy(certifierOrgId: string, subjectIds: string[]): Promise<boolean> {
    const found = await this.certifications.collection.findOne({
      certifierOrgId: new Types.ObjectId(certifierOrgId),
      subjectId: { $in: subjectIds },
    });
    return found !== null;
  }

  /** The certifications naming any of the subjects (any kind); every certification without a subject list. */
  async naming(subjectIds?: string[]): Promise<CertificationDoc[]> {
    return (await this.certifications.collection
      .find(subjectIds ? { subjectId: { $in: subjectIds } } : {})
      .toArray()) as CertificationDoc[];
  }

  /**
   * The certifications the certifier issued for this batch or for its producer (producer and plot
   * subjects) whose validity period includes `atSec`: the candidates for its inspection mandate
   * (decision 0020), before their status on chain is read.
   */
  async validNamedBy(
    certifierOrgId: string,
    subjects: { batchId: string; producerId: string },
    atSec: number,
  ): Promise<CertificationDoc[]> {
    return (await this.certifications.collection
      .find({
        certifierOrgId: new Types.ObjectId(certifierOrgId),
        $or: [
          { subjectKind: "batch", subjectId: subjects.batchId },
          { subjectKind: { $in: ["producer", "plot"] }, subjectId: subjects.producerId },
        ],
        validFrom: { $lte: atSec },
        validUntil: { $gte: atSec },
      })
      .toArray()) as CertificationDoc[];
  }
}
