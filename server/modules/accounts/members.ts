import type { Connection } from "mongoose";
import { ConflictError, NotFoundError } from "../../platform/errors";
import { getOrganization, type MemberRole } from "../organizations";
import type { MemberDoc } from "./data/member.model";
import { MemberRepository } from "./data/member.repository";
import { SessionRepository } from "./data/session.repository";

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
 * Removes a member and ends their sessions at once. The last admin of an organization stays, so
 * that someone can still manage it.
 */
export async function removeMember(connection: Connection, orgId: string, memberId: string, now: Date) {
  const members = new MemberRepository(connection);
  const member = await members.findActiveById(memberId);
  if (!member || member.orgId.toHexString() !== orgId) throw new NotFoundError("member", memberId);
  await assertNotLastAdmin(members, member);
  if (!(await members.remove(orgId, memberId, now))) throw new NotFoundError("member", memberId);
  await new SessionRepository(connection).deleteOfMember(memberId);
}

/** Changes a member's role; the last admin of an organization stays an admin. */
export async function changeMemberRole(
  connection: Connection,
  orgId: string,
  memberId: string,
  role: MemberRole,
) {
  const members = new MemberRepository(connection);
  const member = await members.findActiveById(memberId);
  if (!member || member.orgId.toHexString() !== orgId) throw new NotFoundError("member", memberId);
  await assertNotLastAdmin(members, member);
  if (!(await members.setRole(orgId, memberId, role))) throw new NotFoundError("member", memberId);
  return memberView({ ...member, role });
}

async function assertNotLastAdmin(members: MemberRepository, member: MemberDoc): Promise<void> {
  const orgId = member.orgId.toHexString();
  if (member.role === "admin" && (await members.countActive(orgId, "admin")) <= 1) {
    throw new ConflictError("the last admin of an organization must stay; make another admin first");
  }
}

/** Refuses an email that belongs to a current member (of any organization). */
export async function assertEmailFree(connection: Connection, email: string): Promise<void> {
  if (await new MemberRepository(connection).findActiveByEmail(email)) {
    throw new ConflictError(`${email} is already a member of an organization`, [
      { field: "body.email", problem: "belongs to a current member" },
    ]);
  }
}

export function memberView(member: MemberDoc): MemberView {
  return {
    id: member._id.toHexString(),
    email: member.email,
    name: member.name,
    role: member.role,
    createdAt: new Date(member.createdAt).toISOString(),
  };
}
