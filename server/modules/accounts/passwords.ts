import { randomBytes } from "node:crypto";
import type { Connection } from "mongoose";
import { NotFoundError } from "../../platform/errors";
import type { LoginThrottle } from "./data/login-throttle";
import { MemberRepository } from "./data/member.repository";
import { SessionRepository } from "./data/session.repository";
import { hashPassword, isPasswordOf, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./domain/password";
import { hashSecretToken } from "./domain/secret-token";

/**
 * Operator's reset of a console password (the CLI: npm run admin -- reset-password): sets the
 * given password or a generated one, and ends the member's sessions. Returns the new password.
 */
export async function resetPassword(
  connection: Connection,
  email: string,
  password?: string,
): Promise<string> {
  if (
    password !== undefined &&
    (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
  ) {
    throw new Error(`the password must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
  const members = new MemberRepository(connection);
  const member = await members.findActiveByEmail(email);
  if (!member) throw new NotFoundError("console member", email);
  const newPassword = password ?? randomBytes(15).toString("base64url");
  await members.setPasswordHash(member._id, await hashPassword(newPassword));
  await new SessionRepository(connection).deleteOfMember(member._id);
  return newPassword;
}

/**
 * A member changes their own password, proving the current one; wrong guesses count towards the
 * login throttle (a stolen session must not become an unthrottled password oracle). Their other
 * sessions end (what one wants after losing a device); the session making the change stays.
 */
export async function changePassword(
  connection: Connection,
  throttle: LoginThrottle,
  input: {
    memberId: string;
    sessionToken: string;
    address: string;
    currentPassword: string;
    newPassword: string;
  },
): Promise<{ kind: "throttled"; retryAfterSeconds: number } | { kind: "refused" } | { kind: "changed" }> {
  const members = new MemberRepository(connection);
  const member = await members.findActiveById(input.memberId);
  if (!member) throw new NotFoundError("console member", input.memberId);
  const retryAfterSeconds = await throttle.waitSeconds(member.email, input.address);
  if (retryAfterSeconds > 0) return { kind: "throttled", retryAfterSeconds };
  if (!(await isPasswordOf(member.passwordHash, input.currentPassword))) {
    await throttle.recordFailure(member.email, input.address);
    return { kind: "refused" };
  }
  await members.setPasswordHash(member._id, await hashPassword(input.newPassword));
  await new SessionRepository(connection).deleteOfMemberExcept(
    member._id,
    hashSecretToken(input.sessionToken),
  );
  return { kind: "changed" };
}
