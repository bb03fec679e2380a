import { computeEventHash, ZERO_HASH } from "../../ledger";
import type { AuditedEvent, Finding } from "./findings";

/*
 * Pure audit checks (decision 0009). Given what is stored for a batch and what the chain says,
 * they recompute everything and report discrepancies; no flag written by the service is taken
 * as evidence. Inputs are plain values: the use-case reads the database and the chain.
 */
/**
 * Which kind of hash chain is audited: a batch's events, or a brand's licence register, whose
 * hashed bodies name the chain in `brandId` instead of `batchId` (decision 0010). The caller says
 * which chain it audits; a stored event's own fields never decide it.
 */
export type LedgerKind = "batch" | "brand";

/** The chain id an event's hashed body names. */
export const bodyLedgerId = (event: AuditedEvent, chain: LedgerKind): unknown =>
  chain === "brand" ? event.body.brandId : event.body.batchId;

const bodySeq = (event: AuditedEvent): number =>
  typeof event.body.seq === "number" ? event.body.seq : Number.NaN;

function recompute(body: unknown): string | null {
  try {
    return computeEventHash(body);
  } catch {
    return null;
  }
}

/** Tampered content and query copies that disagree with the hashed body. */
export function checkEventContent(
  event: AuditedEvent,
  chain: LedgerKind = "batch",
): { recomputed: string | null; findings: Finding[] } {
  const findings: Finding[] = [];
  const recomputed = recompute(event.body);
  const at = { batchId: event.batchId, eventId: event.id, seq: event.seq };
  if (recomputed !== event.hash) {
    findings.push({
      kind: "tampered_content",
      ...at,
      detail:
        recomputed === null
          ? `stored body is not hashable JSON; stored hash ${event.hash}`
          : `stored body hashes to ${recomputed}, not the stored hash ${event.hash}`,
    });
  }
  const mismatched: string[] = [];
  if (event.seq !== event.body.seq) mismatched.push(`seq ${event.seq} ≠ body.seq ${String(event.body.seq)}`);
  if (event.type !== event.body.type)
    mismatched.push(`type ${event.type} ≠ body.type ${String(event.body.type)}`);
  const key = chain === "brand" ? "brandId" : "batchId";
  if (event.batchId !== bodyLedgerId(event, chain)) {
    mismatched.push(`batchId ${event.batchId} ≠ body.${key} ${String(bodyLedgerId(event, chain))}`);
  }
  const storedTime = new Date(event.eventTime).getTime();
  if (storedTime !== new Date(String(event.body.eventTime)).getTime()) {
    mismatched.push(
      `eventTime ${new Date(event.eventTime).toISOString()} ≠ body.eventTime ${String(event.body.eventTime)}`,
    );
  }
  if (mismatched.length > 0) {
    findings.push({ kind: "stored_field_mismatch", ...at, detail: mismatched.join("; ") });
  }
  return { recomputed, findings };
}

/**
 * The hash chain of one batch. Events are ordered by their hashed `body.seq`; each must link to
 * its predecessor's stored hash (`body.prevHash`, zero for seq 1). A gap in seq is a missing
 * event, a duplicated seq an inserted one, a link to a later event (or to one already placed
 * out of order) a reorder; any other link that leads nowhere is a broken chain. `headSeq` (the
 * batch's recorded head) reveals events deleted from the end.
 */
export function checkLedgerLinks(
  batchId: string,
  stored: readonly AuditedEvent[],
  headSeq: number | null,
  chain: LedgerKind = "batch",
): Finding[] {
  const findings: Finding[] = [];
  const events = [...stored].sort((a, b) => bodySeq(a) - bodySeq(b) || (a.id < b.id ? -1 : 1));
  const position = new Map(events.map((event, index) => [event.hash, index]));
  const reordered = new Set<string>();
  let prev: AuditedEvent | null = null;
  events.forEach((event, index) => {
    const seq = bodySeq(event);
    const at = { batchId, eventId: event.id, seq };
    if (bodyLedgerId(event, chain) !== batchId) {
      findings.push({
        kind: "inserted",
        ...at,
        detail: `its hashed body belongs to ${chain} ${String(bodyLedgerId(event, chain))}`,
      });
      return;
    }
    if (prev && seq === bodySeq(prev)) {
      findings.push({
        kind: "inserted",
        ...at,
        detail: `a second event with seq ${seq} (first: ${prev.id})`,
      });
      return;
    }
    const expectedSeq = prev ? bodySeq(prev) + 1 : 1;
    const expectedPrev = prev ? prev.hash : ZERO_HASH;
    const current = prev;
    prev = event;
    if (reordered.has(event.id)) return;
    if (seq > expectedSeq) {
      const range = seq - 1 > expectedSeq ? `${expectedSeq}..${seq - 1}` : `${expectedSeq}`;
      findings.push({
        kind: "missing_event",
        batchId,
        seq: expectedSeq,
        detail: `no event with seq ${range}; next stored is ${event.id} (seq ${seq})`,
      });
      if (!position.has(String(event.body.prevHash))) return;
    }
    if (event.body.prevHash === expectedPrev) return;
    const target = position.get(String(event.body.prevHash));
    if (target !== undefined && target > index) {
      const later = events[target];
      reordered.add(event.id).add(later.id);
      findings.push({
        kind: "reordered",
        ...at,
        detail: `body.prevHash is the hash of ${later.id} (seq ${bodySeq(later)}), which is ordered after it`,
      });
      findings.push({
        kind: "reordered",
        batchId,
        eventId: later.id,
        seq: bodySeq(later),
        detail: `ordered after ${event.id} (seq ${seq}), which links to it`,
      });
      return;
    }
    if (target !== undefined && current && reordered.has(current.id)) return;
    findings.push({
      kind: "broken_chain",
      ...at,
      detail:
        target !== undefined
          ? `body.prevHash links to ${events[target].id} (seq ${bodySeq(events[target])}), not to the previous event ${current?.id ?? "(none)"}`
          : `body.prevHash ${String(event.body.prevHash)} is the hash of no stored event (expected ${expectedPrev})`,
    });
  });
  const last = events.length > 0 ? bodySeq(events[events.length - 1]) : 0;
  if (headSeq !== null && headSeq > last) {
    const range = headSeq > last + 1 ? `${last + 1}..${headSeq}` : `${headSeq}`;
    findings.push({
      kind: "missing_event",
      batchId,
      seq: last + 1,
      detail: `the ${chain} head is at seq ${headSeq} but no event with seq ${range} is stored`,
    });
  }
  return findings;
}

export {
  FINDING_KINDS,
  type AuditedEvent,
  type EventCheck,
  type Finding,
  type FindingKind,
} from "./findings";
export {
  checkAnchoredHead,
  checkLedgerMapRoot,
  type AnchoredHead,
  type AuditedMapRoot,
  type StoredLedger,
} from "./audit-anchored-heads";
export { checkInclusion, type AuditedWindow, type ChainAnchor } from "./audit-inclusion";
export {
  checkCertification,
  checkCertificationCopies,
  type AuditedCertification,
  type StoredCertificationCopies,
} from "./audit-certification";
export {
  checkBatchDocument,
  checkTransfer,
  checkWindowLeaves,
  type AuditedBatchDoc,
  type AuditedLeafList,
  type AuditedTransfer,
  type StoredLeafEvent,
} from "./audit-records";
