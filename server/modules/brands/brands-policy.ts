import type { Types } from "mongoose";
import { ForbiddenError } from "../../platform/errors";

/** The caller, as far as brand access depends on it. */
export type BrandActor = { orgId: string; roles: readonly string[] };

interface OwnedBrand {
  ownerId: Types.ObjectId;
  name: { zh: string };
}

/** The brand's owner, auditors and admins may examine everything about a brand (report, audit). */
export function mayOverseeBrand(actor: BrandActor, brand: Pick<OwnedBrand, "ownerId">): boolean {
  return (
    actor.roles.includes("admin") ||
    actor.roles.includes("auditor") ||
    brand.ownerId.toHexString() === actor.orgId
  );
}

/** Brand owners manage their own brand's licences; admins any. */
export function assertBrandOwner(actor: BrandActor, brand: OwnedBrand): void {
  if (actor.roles.includes("admin") || brand.ownerId.toHexString() === actor.orgId) return;
  throw new ForbiddenError(`only the owner of brand ${brand.name.zh} can manage its licences`);
}
