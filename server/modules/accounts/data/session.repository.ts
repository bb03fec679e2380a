import { Types, type Connection } from "mongoose";
import { sessionModel, type SessionDoc } from "./session.model";

/** Console sessions as plain objects; every query on the collection is here. */
export class SessionRepository {
  constructor(private readonly connection: Connection) {}

  private get sessions() {
    return sessionModel(this.connection);
  }

  async create(session: Omit<SessionDoc, "_id">): Promise<void> {
    await this.sessions.create(session);
  }

  async findByIdHash(idHash: string): Promise<SessionDoc | null> {
    return this.sessions.findOne({ idHash }).lean<SessionDoc>();
  }

  /** Records use, at most once per `granularityMs`, so that most requests write nothing. */
  async touch(idHash: string, now: Date, granularityMs: number): Promise<void> {
    await this.sessions.updateOne(
      { idHash, lastSeenAt: { $lt: new Date(now.getTime() - granularityMs) } },
      { $set: { lastSeenAt: now } },
    );
  }

  async deleteByIdHash(idHash: string): Promise<void> {
    await this.sessions.deleteOne({ idHash });
  }

  async deleteOfMember(memberId: string | Types.ObjectId): Promise<void> {
    await this.sessions.deleteMany({ memberId: new Types.ObjectId(memberId) });
  }

  async deleteOfMemberExcept(memberId: Types.ObjectId, keptIdHash: string): Promise<void> {
    await this.sessions.deleteMany({ memberId, idHash: { $ne: keptIdHash } });
  }
}
