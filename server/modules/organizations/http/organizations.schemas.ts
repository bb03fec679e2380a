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

/**
 * The contact shoppers see: a phone number as people write it (digits with spaces or hyphens, an
 * optional leading +, e.g. 0572-5221234, 400-800-1234, +86 138 0000 0000) and/or an email address.
 * `null` or absent leaves that one out; neither removes the contact.
 */
export const publicContactBody = z.strictObject({
  phone: z
    .string()
    .regex(
      /^\+?\d[\d -]{4,22}\d$/,
      "must be a phone number: digits, spaces or hyphens, an optional leading + (e.g. 0572-5221234)",
    )
    .refine((value) => value.replace(/\D/g, "").length >= 6, "must have at least 6 digits")
    .nullable()
    .optional(),
  email: z.email({ message: "must be an email address" }).max(254).nullable().optional(),
});

export const directoryQuery = z.strictObject({
  q: plainText(100).optional(),
  role: z.enum(CUSTODY_ROLES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
