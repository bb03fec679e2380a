import type { Connection } from "mongoose";
import { OrganizationRepository, type Actor, type MemberRole, type OrganizationRole } from "../organizations";
import { MemberRepository } from "./data/member.repository";
import type { MemberDoc } from "./data/member.model";
import { SessionRepository } from "./data/session.repository";
import { LoginThrottle } from "./data/login-throttle";
import { isPasswordOf } from "./domain/password";
import { hashSecretToken, newSecretToken } from "./domain/secret-token";

export interface SessionLifetime {
  idleMs: number;
  maxMs: number;
}

/** What GET /api/session answers: who is logged in, for which organization, and the CSRF token. */
export interface SessionView {
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string; role: MemberRole; roles: OrganizationRole[] };
  csrfToken: string;
}

/** The failed-login counters shared by every instance (limits per 15 minutes). */
export function loginThrottle(connection: Connection, limits: { perAccount: number; perAddress: number }) {
  return new LoginThrottle(connection, limits);
}

export type LoginOutcome =
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "refused" }
  | { kind: "opened"; token: string; expiresAt: Date; view: SessionView };

/**
 * Password login. Always opens a new session with a new random id (the one the browser presented,
 * if any, is ended: no session fixation). Unknown email and wrong password answer alike and take
 * as long; failures count towards the throttle of the account and of the address.
 */
export async function logIn(
  connection: Connection,
  throttle: LoginThrottle,
  lifetime: SessionLifetime,
  input: { email: string; password: string; address: string; presentedToken?: string; now: Date },
): Promise<LoginOutcome> {
  const retryAfterSeconds = await throttle.waitSeconds(input.email, input.address);
  if (retryAfterSeconds > 0) return { kind: "throttled", retryAfterSeconds };
  const member = await new MemberRepository(connection).findActiveByEmail(input.email);
  const organization = member && (await new OrganizationRepository(connection).findById(member.orgId));
  if (!(await isPasswordOf(member?.passwordHash, input.password)) || !member || !organization) {
    await throttle.recordFailure(input.email, input.address);
    return { kind: "refused" };
  }
  await throttle.recordSuccess(input.email);
  const sessions = new SessionRepository(connection);
  if (input.presentedToken) await sessions.deleteByIdHash(hashSecretToken(input.presentedToken));
  const token = newSecretToken();
  const csrfToken = newSecretToken();
  const expiresAt = new Date(input.now.getTime() + lifetime.maxMs);
  await sessions.create({
    idHash: hashSecretToken(token),
    memberId: member._id,
    orgId: member.orgId,
    csrfToken,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt,
  });
  return { kind: "opened", token, expiresAt, view: sessionView(member, organization, csrfToken) };
}

/**
 * The session a cookie names, as the Actor it acts for, or why it is refused. Read on every
 * request (no cache): a removed member or an ended session stops working at once.
 */
export async function resolveSession(
  connection: Connection,
  lifetime: SessionLifetime,
  token: string,
  now: Date,
): Promise<(SessionView & { actor: Actor }) | string> {
  const sessions = new SessionRepository(connection);
  const idHash = hashSecretToken(token);
  const session = await sessions.findByIdHash(idHash);
  const ended = "the console session has ended; log in again (POST /api/session)";
  if (!session) return ended;
  const idleUntil = new Date(session.lastSeenAt).getTime() + lifetime.idleMs;
  if (now.getTime() >= Math.min(new Date(session.expiresAt).getTime(), idleUntil)) {
    await sessions.deleteByIdHash(idHash);
    return ended;
  }
  const member = await new MemberRepository(connection).findActiveById(session.memberId);
  if (!member) return "the session's member was removed from the organization";
  const organization = await new OrganizationRepository(connection).findById(member.orgId);
  if (!organization) return "the session's organization no longer exists";
  // Recording each use would write on every request; a minute's (or a tenth of the idle
  // period's) precision is enough for the idle expiry.
  const granularityMs = Math.min(60_000, lifetime.idleMs / 10);
  if (now.getTime() - new Date(session.lastSeenAt).getTime() > granularityMs) {
    await sessions.touch(idHash, now, granularityMs);
  }
  return {
    ...sessionView(member, organization, session.csrfToken),
    actor: {
      orgId: organization._id.toHexString(),
      name: organization.name,
      roles: organization.roles,
      member: { id: member._id.toHexString(), role: member.role },
    },
  };
}

/** Ends the session the cookie names (nothing happens for an unknown one). */
export async function logOut(connection: Connection, token: string): Promise<void> {
  await new SessionRepository(connection).deleteByIdHash(hashSecretToken(token));
}

function sessionView(
  member: MemberDoc,
  organization: { _id: { toHexString(): string }; name: string; roles: OrganizationRole[] },
  csrfToken: string,
): SessionView {
  return {
    user: { id: member._id.toHexString(), email: member.email, name: member.name },
    organization: {
      id: organization._id.toHexString(),
      name: organization.name,
      role: member.role,
      roles: organization.roles,
    },
    csrfToken,
  };
}
