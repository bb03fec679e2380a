import { randomBytes } from "node:crypto";
import type { Connection } from "mongoose";
import { NotFoundError } from "../../platform/errors";
import { MemberRepository } from "./data/member.repository";
import { SessionRepository } from "./data/session.repository";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./domain/password";

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
