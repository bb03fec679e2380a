import { Types, type Connection } from "mongoose";
import { memberModel, type MemberDoc } from "./member.model";
import type { MemberRole } from "../../organizations";

/** Console members as plain objects; every query on the collection is here. */
export class MemberRepository {
  constructor(private readonly connection: Connection) {}

  private get members() {
    return memberModel(this.connection);
  }

  async create(member: Omit<MemberDoc, "_id" | "createdAt" | "removedAt">): Promise<MemberDoc> {
    return (await this.members.create(member)).toObject();
  }

  /** The current (not removed) member with this email, if any. */
  async findActiveByEmail(email: string): Promise<MemberDoc | null> {
    return this.members.findOne({ email: email.toLowerCase(), removedAt: null }).lean<MemberDoc>();
  }

  async findActiveById(id: string | Types.ObjectId): Promise<MemberDoc | null> {
    return this.members.findOne({ _id: new Types.ObjectId(id), removedAt: null }).lean<MemberDoc>();
  }

  /** An organization's current members, in id order. */
  async listOf(orgId: string): Promise<MemberDoc[]> {
    return this.members
      .find({ orgId: new Types.ObjectId(orgId), removedAt: null })
      .sort({ _id: 1 })
      .lean<MemberDoc[]>();
  }

  async countActive(orgId: string, role?: MemberRole): Promise<number> {
    return this.members.countDocuments({
      orgId: new Types.ObjectId(orgId),
      removedAt: null,
      ...(role ? { role } : {}),
    });
  }

  /** Marks a current member of the organization removed; false if there is none. */
  async remove(orgId: string, memberId: string, now: Date): Promise<boolean> {
    const result = await this.members.updateOne(
      { _id: new Types.ObjectId(memberId), orgId: new Types.ObjectId(orgId), removedAt: null },
      { $set: { removedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  /** Sets the role of a current member of the organization; false if there is none. */
  async setRole(orgId: string, memberId: string, role: MemberRole): Promise<boolean> {
    const result = await this.members.updateOne(
      { _id: new Types.ObjectId(memberId), orgId: new Types.ObjectId(orgId), removedAt: null },
      { $set: { role } },
    );
    return result.matchedCount === 1;
  }

  async setPasswordHash(memberId: Types.ObjectId, passwordHash: string): Promise<void> {
    await this.members.updateOne({ _id: memberId }, { $set: { passwordHash } });
  }
}
