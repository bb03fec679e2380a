import { Types, type Connection } from "mongoose";
import { sealedFieldModel, type SealedFieldDoc } from "./sealed-field.model";

/** The openings of sealed private fields (salt and value behind each commitment), as plain objects. */
export class SealedFieldRepository {
  constructor(private readonly connection: Connection) {}

  private get fields() {
    return sealedFieldModel(this.connection).collection;
  }

  async insertMany(fields: SealedFieldDoc[]): Promise<void> {
    await this.fields.insertMany(fields);
  }

  /** The stored openings of these commitments, only those sealed by `actorId` when given. */
  async openingsOf(commitments: readonly string[], actorId?: string): Promise<SealedFieldDoc[]> {
    const filter: Record<string, unknown> = { commitment: { $in: [...commitments] } };
    if (actorId) filter.actorId = new Types.ObjectId(actorId);
    return (await this.fields.find(filter).toArray()) as unknown as SealedFieldDoc[];
  }
}
