import { Types, type Connection } from "mongoose";
import { brandModel, type BrandDoc } from "./brand.model";

/** Reads of brand documents, as plain objects; lookups by id are single `findOne({ _id })` commands. */
export class BrandRepository {
  constructor(private readonly connection: Connection) {}

  private get brands() {
    return brandModel(this.connection).collection;
  }

  async findById(brandId: string | Types.ObjectId): Promise<BrandDoc | null> {
    return (await this.brands.findOne({ _id: new Types.ObjectId(brandId) })) as BrandDoc | null;
  }

  /** The owner of a brand, or null for an unknown brand. */
  async ownerOf(brandId: string): Promise<Types.ObjectId | null> {
    const brand = await this.brands.findOne({ _id: new Types.ObjectId(brandId) }, { projection: { ownerId: 1 } });
    return (brand?.ownerId as Types.ObjectId | undefined) ?? null;
  }

  async insert(brand: BrandDoc): Promise<void> {
    await this.brands.insertOne(brand);
  }

  /** Every brand (or those of one owner), in id order. */
  async list(filter: { owner?: string }): Promise<BrandDoc[]> {
    return brandModel(this.connection)
      .find(filter.owner ? { ownerId: new Types.ObjectId(filter.owner) } : {})
      .sort({ _id: 1 })
      .lean<BrandDoc[]>();
  }

  /** A brand's id and register head (the audit's view of it), or null. */
  async headOf(brandId: string): Promise<Pick<BrandDoc, "_id" | "head"> | null> {
    return brandModel(this.connection)
      .findById(new Types.ObjectId(brandId), { head: 1 })
      .lean<Pick<BrandDoc, "_id" | "head">>();
  }
}
