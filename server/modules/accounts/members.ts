import { Types, type Connection } from "mongoose";
import { ConflictError, NotFoundError } from "../../platform/errors";
import { getOrganization, type Actor, type MemberRole } from "../organizations";
import { InvitationRepository } from "./data/invitation.repository";
import type { MemberDoc } from "./data/member.model";
import { MemberRepository } from "./data/member.repository";
import { SessionRepository } from "./data/session.repository";
import { hashPassword } from "./domain/password";
import { hashSecretToken, newSecretToken } from "./domain/secret-token";

const INVITATION_LIFETIME_MS = 7 * 24 * 3_600_000;

export interface MemberView {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  createdAt: string;
}

export async function listMembers(connection: Connection, orgId: string): Promise<MemberView[]> {
  await getOrganization(connection, orgId);
  return (await new MemberRepository(connection).listOf(orgId)).map(memberView);
}

/**
 * Invites a person into an organization. The token is returned once (the admin passes the link
 * on); only its hash is kept. An email that already belongs to a current member is refused.
 */
export async function inviteMember(
  connection: Connection,
  invitedBy: Actor,
  orgId: string,
  input: { email: string; name: string; role: MemberRole },
  now: Date,
) {
  await getOrganization(connection, orgId);
  await assertEmailFree(connection, input.email);
  const token = newSecretToken();
  const invitation = await new InvitationRepository(connection).create({
    ...input,
    tokenHash: hashSecretToken(token),
    orgId: new Types.ObjectId(orgId),
    invitedBy: invitedBy.member ? `member:${invitedBy.member.id}` : `key:${invitedBy.keyId}`,
    expiresAt: new Date(now.getTime() + INVITATION_LIFETIME_MS),
  });
  return {
    id: invitation._id.toHexString(),
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    expiresAt: invitation.expiresAt.toISOString(),
    token,
  };
}

/** Creates the account an invitation stands for; each invitation opens one account, once. */
export async function acceptInvitation(
  connection: Connection,
  token: string,
  input: { password: string; name?: string },
  now: Date,
): Promise<MemberView & { organizationId: string }> {
  const invitations = new InvitationRepository(connection);
  const tokenHash = hashSecretToken(token);
  const passwordHash = await hashPassword(input.password);
  const invitation = await invitations.accept(tokenHash, now);
  if (!invitation) throw new NotFoundError("invitation (unknown, expired or already accepted)");
  try {
    await assertEmailFree(connection, invitation.email);
    const member = await new MemberRepository(connection).create({
      orgId: invitation.orgId,
      email: invitation.email,
      name: input.name ?? invitation.name,
      role: invitation.role,
      passwordHash,
    });
    return { ...memberView(member), organizationId: invitation.orgId.toHexString() };
  } catch (error) {
    await invitations.reopen(tokenHash);
    throw error;
  }
}

/**
 * Removes a member and ends their sessions at once. The last admin of an organization stays, so
 * that someone can still manage it.
 */
export async function removeMember(connection: Connection, orgId: string, memberId: string, now: Date) {
  const members = new MemberRepository(connection);
  const member = await members.findActiveById(memberId);
  if (!member || member.orgId.toHexString() !== orgId) throw new NotFoundError("member", memberId);
  if (member.role === "admin" && (await members.countActive(orgId, "admin")) <= 1) {
    throw new ConflictError("the last admin of an organization cannot be removed; make another admin first");
  }
  if (!(await members.remove(orgId, memberId, now))) throw new NotFoundError("member", memberId);
  await new SessionRepository(connection).deleteOfMember(memberId);
}

async function assertEmailFree(connection: Connection, email: string): Promise<void> {
  if (await new MemberRepository(connection).findActiveByEmail(email)) {
    throw new ConflictError(`${email} is already a member of an organization`, [
      { field: "body.email", problem: "belongs to a current member" },
    ]);
  }
}

function memberView(member: MemberDoc): MemberView {
  return {
    id: member._id.toHexString(),
    email: member.email,
    name: member.name,
    role: member.role,
    createdAt: new Date(member.createdAt).toISOString(),
  };
}
