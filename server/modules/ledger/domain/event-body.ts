import type { EventType } from "./cbv";

export const EVENT_BODY_VERSION = 1;

export interface EventLocation {
  name?: string;
  regionCode?: string;
  lat?: number;
  lon?: number;
  readPoint?: string;
  bizLocation?: string;
}

/** What a caller (or a transfer / transformation) contributes to an event. */
export interface EventFacts {
  type: EventType;
  eventTime: string;
  bizStep: string;
  disposition?: string;
  location?: EventLocation;
  data?: Record<string, unknown>;
  correctionOf?: string;
}

/** Where an event sits in its hash chain, and who recorded it when. */
export interface LedgerLink {
  /** The id of the chain's subject (a batch, or a brand for licence-register events). */
  subjectId: string;
  seq: number;
  prevHash: string;
  salt: string;
  recordTime: string;
  actor: string;
}

/** The exact object that is canonicalised and hashed: published in the README. */
export interface EventBody extends EventFacts {
  v: typeof EVENT_BODY_VERSION;
  batchId: string;
  seq: number;
  recordTime: string;
  actor: string;
  prevHash: string;
  salt: string;
}

/**
 * Builds the hashed body. Absent optional fields are left out rather than set to null so that
 * the canonical form has one spelling per meaning.
 */
export function buildEventBody(
  facts: EventFacts,
  chain: { batchId: string; seq: number; prevHash: string; salt: string; recordTime: string; actor: string },
): EventBody {
  const body: Record<string, unknown> = {
    v: EVENT_BODY_VERSION,
    batchId: chain.batchId,
    seq: chain.seq,
    type: facts.type,
    eventTime: facts.eventTime,
    recordTime: chain.recordTime,
    actor: chain.actor,
    bizStep: facts.bizStep,
    disposition: facts.disposition,
    location: facts.location,
    data: facts.data,
    correctionOf: facts.correctionOf,
    prevHash: chain.prevHash,
    salt: chain.salt,
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body as unknown as EventBody;
}
