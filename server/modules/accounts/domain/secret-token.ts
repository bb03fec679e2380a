import { createHash, randomBytes } from "node:crypto";

/**
 * Session ids, CSRF tokens and invitation tokens: 256 random bits, base64url (43 characters).
 * Only their SHA-256 is stored where a database reader must not be able to use them (session ids,
 * invitations); a fast hash is enough for values with that much entropy.
 */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
