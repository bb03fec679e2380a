import { z } from "zod";
import { objectId } from "../../../platform/http/common.schemas";
import { MEMBER_ROLES } from "../../organizations";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../domain/password";
import { SECRET_TOKEN_PATTERN } from "../domain/secret-token";

const email = z.email({ message: "must be an email address" }).max(254).toLowerCase();
const personName = z.string().trim().min(1).max(200);
const newPassword = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

export const loginBody = z.strictObject({
  email,
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword,
});

export const memberRoleBody = z.strictObject({ role: z.enum(MEMBER_ROLES) });

export const inviteMemberBody = z.strictObject({
  email,
  name: personName,
  role: z.enum(MEMBER_ROLES),
});

export const acceptInvitationBody = z.strictObject({
  password: newPassword,
  name: personName.optional(),
});

export const organizationParams = z.strictObject({ id: objectId });
export const memberParams = z.strictObject({ id: objectId, memberId: objectId });
export const organizationInvitationParams = z.strictObject({ id: objectId, invitationId: objectId });
export const invitationParams = z.strictObject({
  token: z.string().regex(SECRET_TOKEN_PATTERN, "must be an invitation token (43 base64url characters)"),
});
