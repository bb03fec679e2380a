import { hash, verify } from "@node-rs/argon2";

/**
 * Passwords are stored as argon2id hashes (the library's default algorithm, with its default
 * cost: 19 MiB, 2 passes, as OWASP recommends). Length is the policy: at least 12 characters
 * (NIST SP 800-63B asks for 8 at least and favours long passphrases); at most 256, so that
 * hashing stays bounded.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A fixed hash to verify against when the email is unknown: both answers take as long. */
const unknownAccountHash = hashPassword("no account has this password, it only spends time");

/** Whether `password` matches `passwordHash`; without a hash, false after the same work. */
export async function isPasswordOf(passwordHash: string | undefined, password: string): Promise<boolean> {
  const matches = await verify(passwordHash ?? (await unknownAccountHash), password);
  return passwordHash !== undefined && matches;
}
