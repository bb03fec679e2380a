import type { Connection } from "mongoose";
import { certificationSchemeModel, type CertificationSchemeDoc } from "./certification-scheme.model";

/** Schemes admins added (the built-in ones are in domain/certification-schemes.ts). */
export class SchemeRepository {
  constructor(private readonly connection: Connection) {}

  private get schemes() {
    return certificationSchemeModel(this.connection);
  }

  /** Every added scheme, in the order it was added. */
  async list(): Promise<CertificationSchemeDoc[]> {
    return this.schemes.find().sort({ _id: 1 }).lean<CertificationSchemeDoc[]>();
  }

  /** Adds the scheme unless its code is taken: an atomic upsert. True if this call added it. */
  async addOnce(scheme: Omit<CertificationSchemeDoc, "_id">): Promise<boolean> {
    const result = await this.schemes.updateOne(
      { code: scheme.code },
      { $setOnInsert: scheme },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  async exists(code: string): Promise<boolean> {
    return (await this.schemes.exists({ code })) !== null;
  }
}
