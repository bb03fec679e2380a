import { Types, type Connection } from "mongoose";
import { invitationModel, type InvitationDoc } from "./invitation.model";

/** Invitations as plain objects; every query on the collection is here. */
export class InvitationRepository {
  constructor(private readonly connection: Connection) {}

  private get invitations() {
    return invitationModel(this.connection);
  }

  async create(invitation: Omit<InvitationDoc, "_id" | "createdAt" | "acceptedAt">): Promise<InvitationDoc> {
    return (await this.invitations.create(invitation)).toObject();
  }

  /** Marks an open, unexpired invitation accepted and returns it; null if there is none. */
  async accept(tokenHash: string, now: Date): Promise<InvitationDoc | null> {
    return this.invitations
      .findOneAndUpdate(
        { tokenHash, acceptedAt: null, expiresAt: { $gt: now } },
        { $set: { acceptedAt: now } },
        { new: true },
      )
      .lean<InvitationDoc>();
  }

  /** Reopens an invitation whose account could not be created. */
  async reopen(tokenHash: string): Promise<void> {
    await this.invitations.updateOne({ tokenHash }, { $unset: { acceptedAt: "" } });
  }

  /** An organization's invitations neither accepted nor expired, in id order. */
  async listOpen(orgId: string, now: Date): Promise<InvitationDoc[]> {
    return this.invitations
      .find({ orgId: new Types.ObjectId(orgId), acceptedAt: null, expiresAt: { $gt: now } })
      .sort({ _id: 1 })
      .lean<InvitationDoc[]>();
  }

  /** Deletes an organization's invitation that is not accepted yet; false if there is none. */
  async withdraw(orgId: string, invitationId: string): Promise<boolean> {
    const result = await this.invitations.deleteOne({
      _id: new Types.ObjectId(invitationId),
      orgId: new Types.ObjectId(orgId),
      acceptedAt: null,
    });
    return result.deletedCount === 1;
  }
}
