import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * HMAC-SHA256 signatures of expiring links: the signature covers the path and the expiry, so a
 * link opens only what it names and only until then. Signatures are base64url.
 */
export function signLink(key: Buffer, path: string, expiresSec: number): string {
  return createHmac("sha256", key).update(`${path}\n${expiresSec}`).digest("base64url");
}

/** Whether `signature` signs `path` until `expiresSec`, and that moment is still ahead. */
export function isValidLinkSignature(
  key: Buffer,
  link: { path: string; expiresSec: number; signature: string },
  nowSec: number,
): boolean {
  if (!Number.isSafeInteger(link.expiresSec) || link.expiresSec <= nowSec) return false;
  const expected = Buffer.from(signLink(key, link.path, link.expiresSec));
  const given = Buffer.from(link.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
