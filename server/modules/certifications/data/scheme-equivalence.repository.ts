import type { Connection, Types } from "mongoose";
import type { SchemeEquivalent } from "../domain/scheme-equivalence";
import { schemeEquivalenceModel, type SchemeEquivalenceDoc } from "./scheme-equivalence.model";

export class SchemeEquivalenceRepository {
  constructor(private readonly connection: Connection) {}

  private get equivalences() {
    return schemeEquivalenceModel(this.connection);
  }

  async list(): Promise<SchemeEquivalenceDoc[]> {
    return this.equivalences.find().sort({ scheme: 1 }).lean<SchemeEquivalenceDoc[]>();
  }

  async of(scheme: string): Promise<SchemeEquivalent[]> {
    const doc = await this.equivalences.findOne({ scheme }).lean<SchemeEquivalenceDoc>();
    return doc?.equivalents ?? [];
  }

  /** Replaces a scheme's equivalents in one atomic upsert keyed by the scheme. */
  async replace(scheme: string, equivalents: SchemeEquivalent[], by: Types.ObjectId, at: Date): Promise<void> {
    await this.equivalences.updateOne(
      { scheme },
      { $set: { equivalents, updatedAt: at, updatedBy: by } },
      { upsert: true },
    );
  }
}
