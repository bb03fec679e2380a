import type { LedgerLink } from "./event-body";

export const OBSERVATION_BODY_VERSION = 1;

/**
 * What an organization observed (decision 0031): a captured EPCIS event about objects that are no
 * batch of its own, kept verbatim in `data.epcis` like every captured event. `correctionOf` names
 * the event of the same log that an EPCIS error declaration corrects.
 */
export interface ObservationFacts {
  type: "observation";
  /** Why the event names no batch of the organization's (a reason code of the capture, decision 0031). */
  observed: string;
  eventTime: string;
  bizStep?: string;
  disposition?: string;
  data: Record<string, unknown>;
  correctionOf?: string;
}

/**
 * The hashed body: the canonical form, hash, salt and prevHash of batch events, with `logId` (the
 * organization's id) where batch events have `batchId`.
 */
export interface ObservationBody extends ObservationFacts {
  v: typeof OBSERVATION_BODY_VERSION;
  logId: string;
  seq: number;
  recordTime: string;
  actor: string;
  prevHash: string;
  salt: string;
}

export function buildObservationBody(facts: ObservationFacts, link: LedgerLink): ObservationBody {
  const body: ObservationBody = {
    v: OBSERVATION_BODY_VERSION,
    logId: link.subjectId,
    seq: link.seq,
    type: facts.type,
    observed: facts.observed,
    eventTime: facts.eventTime,
    recordTime: link.recordTime,
    actor: link.actor,
    ...(facts.bizStep !== undefined ? { bizStep: facts.bizStep } : {}),
    ...(facts.disposition !== undefined ? { disposition: facts.disposition } : {}),
    data: facts.data,
    ...(facts.correctionOf !== undefined ? { correctionOf: facts.correctionOf } : {}),
    prevHash: link.prevHash,
    salt: link.salt,
  };
  return body;
}
