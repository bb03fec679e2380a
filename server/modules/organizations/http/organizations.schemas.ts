import { z } from "zod";
import { CUSTODY_ROLES, ORGANIZATION_ROLES } from "../domain/organization-role";
import { ethAddress, objectId, plainText } from "../../../platform/http/common.schemas";

export const createOrganizationBody = z.strictObject({
  name: plainText(200),
  roles: z.array(z.enum(ORGANIZATION_ROLES)).min(1).max(ORGANIZATION_ROLES.length),
  address: ethAddress.optional(),
});

export const orgIdParams = z.strictObject({ id: objectId });
export const orgKeyParams = z.strictObject({ id: objectId, keyId: objectId });

export const directoryQuery = z.strictObject({
  q: plainText(100).optional(),
  role: z.enum(CUSTODY_ROLES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
