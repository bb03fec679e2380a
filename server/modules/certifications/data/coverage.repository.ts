import { Types, type Connection } from "mongoose";
import {
  certificationCoverageModel,
  type CertificationCoverageDoc,
} from "./certification-coverage.model";
import type { CoverageVia } from "../domain/certification-coverage";

/** Which batches carry a certification's `certifying` event: one claim per (certification, batch). */
export class CoverageRepository {
  constructor(private readonly connection: Connection) {}

  private get coverage() {
    return certificationCoverageModel(this.connection);
  }

  /** Claims the pair with an atomic upsert: true for the one caller that inserted the claim. */
  async claim(
    certificationId: Types.ObjectId,
    batchId: string,
    via: CoverageVia,
    claimedAtMs: number,
  ): Promise<boolean> {
    const filter = { certificationId, batchId: new Types.ObjectId(batchId) };
    const result = await this.coverage.collection.updateOne(
      filter,
      { $setOnInsert: { ...filter, via, state: "claimed", eventId: null, eventHash: null, claimedAtMs } },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async markRecorded(
    certificationId: Types.ObjectId,
    batchId: string,
    eventId: Types.ObjectId,
    eventHash: string,
  ): Promise<void> {
    await this.coverage.updateOne(
      { certificationId, batchId: new Types.ObjectId(batchId) },
      { $set: { state: "recorded", eventId, eventHash } },
    );
  }

  /** The recorded coverage of a certification, in claim order. */
  async recordedOf(certificationId: Types.ObjectId): Promise<CertificationCoverageDoc[]> {
    return this.coverage
      .find({ certificationId, state: "recorded" })
      .sort({ _id: 1 })
      .lean<CertificationCoverageDoc[]>();
  }

  /** The batches any of these certifications was recorded on: (certification, batch) pairs. */
  async recordedOfMany(
    certificationIds: Types.ObjectId[],
  ): Promise<Pick<CertificationCoverageDoc, "certificationId" | "batchId">[]> {
    return this.coverage
      .find({ certificationId: { $in: certificationIds }, state: "recorded" }, { certificationId: 1, batchId: 1 })
      .lean<Pick<CertificationCoverageDoc, "certificationId" | "batchId">[]>();
  }

  /** Claims of a certification still unrecorded that were made before `claimedBeforeMs`. */
  async staleClaimsOf(certificationId: Types.ObjectId, claimedBeforeMs: number): Promise<CertificationCoverageDoc[]> {
    return this.coverage
      .find({ certificationId, state: "claimed", claimedAtMs: { $lt: claimedBeforeMs } })
      .lean<CertificationCoverageDoc[]>();
  }

  /**
   * Takes over a stale claim: compare-and-set on its claim time, so only one writer redoes it.
   * True if this caller took it.
   */
  async refreshClaim(claim: CertificationCoverageDoc, claimedAtMs: number): Promise<boolean> {
    const refreshed = await this.coverage.updateOne(
      { _id: claim._id, state: "claimed", claimedAtMs: claim.claimedAtMs },
      { $set: { claimedAtMs } },
    );
    return refreshed.modifiedCount === 1;
  }
}
