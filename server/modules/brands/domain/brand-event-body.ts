import type { LedgerLink } from "../../ledger";

export const BRAND_EVENT_BODY_VERSION = 1;

/** What happens on a brand's licence register; each is one hashed, anchored event. */
export const BRAND_EVENT_TYPES = [
  "brand_registered",
  "licence_issued",
  "licence_suspended",
  "licence_reinstated",
  "licence_revoked",
] as const;
export type BrandEventType = (typeof BRAND_EVENT_TYPES)[number];

export interface BrandEventFacts {
  type: BrandEventType;
  eventTime: string;
  data: Record<string, unknown>;
}

/**
 * The hashed body of a licence-register event: the same canonical form and hash as batch events
 * (RFC 8785 + keccak256, salt, prevHash), with `brandId` where batch events have `batchId`.
 */
export interface BrandEventBody extends BrandEventFacts {
  v: typeof BRAND_EVENT_BODY_VERSION;
  brandId: string;
  seq: number;
  recordTime: string;
  actor: string;
  prevHash: string;
  salt: string;
}

export function buildBrandEventBody(facts: BrandEventFacts, link: LedgerLink): BrandEventBody {
  return {
    v: BRAND_EVENT_BODY_VERSION,
    brandId: link.subjectId,
    seq: link.seq,
    type: facts.type,
    eventTime: facts.eventTime,
    recordTime: link.recordTime,
    actor: link.actor,
    data: facts.data,
    prevHash: link.prevHash,
    salt: link.salt,
  };
}
