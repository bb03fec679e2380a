import type { Connection } from "mongoose";
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
}
