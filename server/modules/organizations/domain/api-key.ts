import { createHash } from "node:crypto";

/**
 * API keys look like `et_<8-char prefix>_<secret>`. The prefix is shown in listings so that an
 * operator can tell keys apart; only the SHA-256 of the whole key is stored. A fast hash is enough
 * because keys carry 256 bits of randomness (no dictionary to attack).
 */
const API_KEY_PATTERN = /^et_([A-Za-z0-9_-]{8})_[A-Za-z0-9_-]{43}$/;

export function formatApiKey(prefix: string, secret: string): string {
  return `et_${prefix}_${secret}`;
}

export function apiKeyPrefix(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}
