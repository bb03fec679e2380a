/**
 * What a person does within their organization: admins invite and remove members and manage API
 * keys; members do the organization's work. What the organization may do at all is decided by its
 * OrganizationRole, for people and keys alike.
 */
export const MEMBER_ROLES = ["admin", "member"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
