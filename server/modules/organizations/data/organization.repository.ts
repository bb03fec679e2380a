import { Types, type Connection } from "mongoose";
import { organizationModel, type OrganizationDoc, type PublicContact } from "./organization.model";
import type { OrganizationRole } from "../domain/organization-role";

/** Organizations as plain objects; every query on the collection is here. */
export class OrganizationRepository {
  constructor(private readonly connection: Connection) {}

  private get organizations() {
    return organizationModel(this.connection);
  }

  async create(input: { name: string; roles: OrganizationRole[]; address?: string }): Promise<OrganizationDoc> {
    return (await this.organizations.create(input)).toObject();
  }

  async findById(id: string | Types.ObjectId): Promise<OrganizationDoc | null> {
    return this.organizations.findById(id).lean<OrganizationDoc>();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.organizations.exists({ _id: new Types.ObjectId(id) })) !== null;
  }

  /** Every organization (or those with the given ids), in id order. */
  async list(ids?: string[]): Promise<OrganizationDoc[]> {
    const query = ids ? { _id: { $in: ids.map((id) => new Types.ObjectId(id)) } } : {};
    return this.organizations.find(query).sort({ _id: 1 }).lean<OrganizationDoc[]>();
  }

  /** The oldest admin organization, if any. */
  async firstAdmin(): Promise<OrganizationDoc | null> {
    return this.organizations.findOne({ roles: "admin" }).sort({ _id: 1 }).lean<OrganizationDoc>();
  }

  /** Names by id (hex); ids that are not ObjectIds or name no organization are absent. */
  async namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const valid = [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/.test(id));
    const orgs = await this.organizations
      .find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } }, { name: 1 })
      .lean();
    return new Map(orgs.map((org) => [org._id.toHexString(), org.name]));
  }

  /** Replaces the public contact (an empty one removes it); the organization, or null if unknown. */
  async setPublicContact(id: string, contact: PublicContact): Promise<OrganizationDoc | null> {
    const update =
      contact.phone || contact.email ? { $set: { publicContact: contact } } : { $unset: { publicContact: 1 } };
    return this.organizations
      .findByIdAndUpdate(id, update, { new: true })
      .lean<OrganizationDoc>();
  }

  /** Public contacts by id (hex) of the organizations that set one. */
  async publicContactsOf(ids: readonly string[]): Promise<Map<string, PublicContact>> {
    const valid = [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/.test(id));
    const orgs = await this.organizations
      .find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } }, { publicContact: 1 })
      .lean<Pick<OrganizationDoc, "_id" | "publicContact">[]>();
    return new Map(
      orgs.flatMap((org) => (org.publicContact ? [[org._id.toHexString(), org.publicContact] as const] : [])),
    );
  }

  /**
   * Organizations having one of `roles`, whose name contains `nameContains` (any case), apart from
   * `exceptId`, by name: a page of the recipient directory. The roles index narrows the candidates.
   */
  async directory(query: {
    roles: readonly OrganizationRole[];
    nameContains?: string;
    exceptId: string;
    limit: number;
  }): Promise<Pick<OrganizationDoc, "_id" | "name" | "roles">[]> {
    return this.organizations
      .find(
        {
          roles: { $in: query.roles },
          _id: { $ne: new Types.ObjectId(query.exceptId) },
          ...(query.nameContains ? { name: { $regex: escapeRegExp(query.nameContains), $options: "i" } } : {}),
        },
        { name: 1, roles: 1 },
      )
      .sort({ name: 1, _id: 1 })
      .limit(query.limit)
      .lean<Pick<OrganizationDoc, "_id" | "name" | "roles">[]>();
  }

  /** How many organizations there are, counting no further than `limit`. */
  async countUpTo(limit: number): Promise<number> {
    return (await this.organizations.find({}, { _id: 1 }).limit(limit).lean()).length;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
