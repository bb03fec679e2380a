import { Types, type Connection } from "mongoose";
import { licenceModel, type LicenceDoc } from "./licence.model";
import type { LicenceStatus } from "../domain/brand-rules";

/**
 * Brand licences as plain objects. A status changes only by a compare-and-set on the status it
 * had (two owners acting at once cannot both succeed, and a claim in flight sees either status).
 */
export class LicenceRepository {
  constructor(private readonly connection: Connection) {}

  private get licences() {
    return licenceModel(this.connection);
  }

  async insert(licence: LicenceDoc): Promise<void> {
    await this.licences.collection.insertOne(licence);
  }

  async findById(licenceId: string | Types.ObjectId): Promise<LicenceDoc | null> {
    return this.licences.findById(licenceId).lean<LicenceDoc>();
  }

  /** The licences with these ids (any order; unknown ids are absent). */
  async findMany(licenceIds: string[]): Promise<LicenceDoc[]> {
    return this.licences
      .find({ _id: { $in: licenceIds.map((id) => new Types.ObjectId(id)) } })
      .lean<LicenceDoc[]>();
  }

  /** A brand's or a producer's licences (or both conditions), in id order. */
  async list(filter: { brandId?: Types.ObjectId; producerId?: Types.ObjectId }): Promise<LicenceDoc[]> {
    return this.licences
      .find({
        ...(filter.brandId ? { brandId: filter.brandId } : {}),
        ...(filter.producerId ? { producerId: filter.producerId } : {}),
      })
      .sort({ _id: 1 })
      .lean<LicenceDoc[]>();
  }

  /** Moves a licence from status `from` to `to`; false if its status was no longer `from`. */
  async changeStatus(
    licenceId: Types.ObjectId,
    change: { from: LicenceStatus; to: LicenceStatus; at: Date; reason?: string },
  ): Promise<boolean> {
    const changed = await this.licences.collection.updateOne(
      { _id: licenceId, status: change.from },
      {
        $set: {
          status: change.to,
          statusChangedAt: change.at,
          ...(change.reason ? { statusReason: change.reason } : {}),
        },
        ...(change.reason ? {} : { $unset: { statusReason: "" } }),
      },
    );
    return changed.modifiedCount === 1;
  }

  /** Points the licence at the register event that recorded its latest status. */
  async setStatusEvent(licenceId: Types.ObjectId, eventId: Types.ObjectId): Promise<void> {
    await this.licences.collection.updateOne({ _id: licenceId }, { $set: { statusEventId: eventId } });
  }

  /**
   * Takes `quantity` of an active licence's remaining quota: one conditional update (status active,
   * enough remaining), so concurrent claims never take more than the quota. False if refused.
   */
  async takeQuota(licenceId: Types.ObjectId, quantity: number): Promise<boolean> {
    const claimed = await this.licences.collection.updateOne(
      { _id: licenceId, status: "active", remaining: { $gte: quantity - 1e-9 } },
      { $inc: { remaining: -quantity, used: quantity } },
    );
    return claimed.modifiedCount === 1;
  }

  /** Gives back quota taken for a batch that was not registered. */
  async returnQuota(licenceId: Types.ObjectId, quantity: number): Promise<void> {
    await this.licences.collection.updateOne({ _id: licenceId }, { $inc: { remaining: quantity, used: -quantity } });
  }
}
