import type { Connection, Types } from "mongoose";
import {
  certificationStatusChangeModel,
  type CertificationStatusChangeDoc,
  type RelayState,
} from "./certification-status-change.model";

/** Signed status changes this service relayed, with their relay outcome. */
export class StatusChangeRepository {
  constructor(private readonly connection: Connection) {}

  private get changes() {
    return certificationStatusChangeModel(this.connection);
  }

  async insert(change: CertificationStatusChangeDoc): Promise<void> {
    await this.changes.collection.insertOne(change);
  }

  /** The transaction now carrying the change (a relay sent again after a transient revert). */
  async setTxHash(id: Types.ObjectId, txHash: string): Promise<void> {
    await this.changes.updateOne({ _id: id }, { $set: { txHash } });
  }

  async setOutcome(id: Types.ObjectId, state: RelayState, blockNumber: number | null): Promise<void> {
    await this.changes.updateOne({ _id: id }, { $set: { state, blockNumber } });
  }

  /** The changes relayed for a certification, oldest first. */
  async ofCertification(certificationId: Types.ObjectId): Promise<CertificationStatusChangeDoc[]> {
    return this.changes.find({ certificationId }).sort({ _id: 1 }).lean<CertificationStatusChangeDoc[]>();
  }

  /** The mined revocations of these certifications (the signed reason of each). */
  async minedRevocationsOf(certificationIds: Types.ObjectId[]): Promise<CertificationStatusChangeDoc[]> {
    return this.changes
      .find({ certificationId: { $in: certificationIds }, status: "revoked", state: "mined" })
      .lean<CertificationStatusChangeDoc[]>();
  }

  /** Every change whose relay was mined, oldest first (the order of their nonces per certifier). */
  async minedOldestFirst(): Promise<CertificationStatusChangeDoc[]> {
    return this.changes.find({ state: "mined" }).sort({ _id: 1 }).lean<CertificationStatusChangeDoc[]>();
  }
}
