import { Types, type Connection } from "mongoose";
import { NotFoundError } from "../../platform/errors";
import { getOrganization, type Actor, type MemberRole } from "../organizations";
import type { InvitationDoc } from "./data/invitation.model";
import { InvitationRepository } from "./data/invitation.repository";
import { MemberRepository } from "./data/member.repository";
import { hashPassword } from "./domain/password";
import { hashSecretToken, newSecretToken } from "./domain/secret-token";
import { assertEmailFree, memberView, type MemberView } from "./members";

const INVITATION_LIFETIME_MS = 7 * 24 * 3_600_000;

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
  return { ...invitationView(invitation), token };
}

/** Invitations not accepted and not expired yet (their tokens are not kept, so not shown). */
export async function listOpenInvitations(connection: Connection, orgId: string, now: Date) {
  await getOrganization(connection, orgId);
  return (await new InvitationRepository(connection).listOpen(orgId, now)).map(invitationView);
}

export async function withdrawInvitation(connection: Connection, orgId: string, invitationId: string) {
  if (!(await new InvitationRepository(connection).withdraw(orgId, invitationId))) {
    throw new NotFoundError("open invitation", invitationId);
  }
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

function invitationView(invitation: InvitationDoc) {
  return {
    id: invitation._id.toHexString(),
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    expiresAt: new Date(invitation.expiresAt).toISOString(),
  };
}
