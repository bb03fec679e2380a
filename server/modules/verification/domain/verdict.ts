import { ZERO_HASH } from "../../ledger";
import { checkLicences, type LicenceEvidence } from "./verdict-licences";
import type { CertificationValidity } from "../../certifications";
import type { ChainAnswer, Check, CheckName } from "./checks";
import { checkCompleteness, type CompletenessEvidence } from "./completeness";
import { checkScans, type ScanEvidence } from "./verdict-scans";

/**
 * The verification verdict shown to consumers, computed from evidence only (pure: no database,
 * no chain, no clock). The same function judges the live service data (`GET /api/verify/:id`,
 * the consumer page) and an offline proof bundle (`npm run verify-bundle`).
 *
 * Precedence, strongest first — the first class with a failing check decides:
 *
 *   unknown   the batch (or item serial) is not known: nothing to verify
 *   tampered  a record does not match its hash, its chain, its lineage, its Merkle proof or the
 *             chain's anchor (or a disclosed private value does not open its commitment), or a
 *             claimed certification was never issued on chain by the certifier it names, is not
 *             signed by its certifier or does not cover the batch
 *   recalled  the batch, or any batch it was made from, was recalled
 *   revoked   a certification was revoked or suspended by its certifier, or the brand licence
 *             behind the batch's brand was revoked by the brand owner (verdict-licences.ts)
 *   suspected-copy  the item's label was scanned on too many device-days or from too many devices
 *             (verdict-scans.ts): the records may be genuine, the item in hand probably is not
 *   expired   a certification is past its validity
 *   pending   something is not proven yet: events waiting for anchoring, chain unreachable
 *   verified  every check passed
 *
 * A check may also `warn` (a suspended brand licence): shown to people, never deciding the verdict.
 */

export const VERDICTS = [
  "unknown",
  "tampered",
  "recalled",
  "revoked",
  "suspected-copy",
  "expired",
  "pending",
  "verified",
] as const;
export type Verdict = (typeof VERDICTS)[number];

export { CHECK_NAMES, type ChainAnswer, type Check, type CheckName, type CheckStatus } from "./checks";

export interface VerdictResult {
  verdict: Verdict;
  checks: Check[];
}

/** What is known about one event. Hashes are 0x-prefixed lowercase hex. */
export interface EventEvidence {
  eventId: string;
  batchId: string;
  seq: number;
  type: string;
  /** The hash the record claims. */
  storedHash: string;
  /** keccak256(JCS(body)), or null when the body is not plain JSON. */
  recomputedHash: string | null;
  /** Whether body.batchId and body.seq are the event's own (a body moved elsewhere fails). */
  identityMatches: boolean;
  /** body.prevHash. */
  prevHash: string;
  anchor: AnchorEvidence;
}

export type { CertificationValidity };

export type AnchorEvidence =
  | { state: "pending"; detail?: string }
  | {
      state: "anchored";
      root: string;
      /** The proof walks from keccak(keccak(hash)) to the root, recomputed locally. */
      proofValid: boolean;
      /** anchorOf(root) on chain: its block, or null when the root was never anchored. */
      onChain: ChainAnswer<{ blockNumber: number; timestamp: number } | null>;
      /** The block the record claims. */
      claimedBlock: number | null;
      /** verifyLeaf(root, proof, leaf) on chain. */
      verifyLeaf: ChainAnswer<boolean>;
      /** The anchoring transaction (when checked): mined, successful, to the registry, with RootAnchored(root). */
      transaction?: ChainAnswer<{ ok: true } | { ok: false; problem: string }>;
    };

export interface BatchEvidence {
  batchId: string;
  label: string;
  /** True for the batch asked about; false for the batches it was made from. */
  subject: boolean;
  /** Head of the batch's chain as recorded (seq, hash); null when unknown. */
  head: { seq: number; hash: string } | null;
  /** A recalling event is in its hashed chain (a status field is no evidence). */
  recalled: boolean;
  /** Why lineage does not hold for this batch (an input missing, unreferenced), or null. */
  lineageProblem: string | null;
}

export interface CertificationEvidence {
  /** The certification's id on chain (its EIP-712 hash). */
  certHash: string;
  name: string;
  status: ChainAnswer<CertificationValidity>;
  /**
   * Checked only from bundles: why the signed certification does not hold (certHash not the
   * EIP-712 digest, signature not the certifier's, another chain or registry), or null.
   */
  signatureProblem?: string | null;
  /**
   * Why the signed rule does not cover a batch whose chain records the certification, judged from
   * that batch's hashed commissioning event (origin, category, producer), or null.
   */
  coverageProblem?: string | null;
}

export interface OpeningEvidence {
  eventId: string;
  pointer: string;
  problem: string | null;
}

export interface LabelEvidence {
  field: string;
  problem: string;
}

export type VerdictEvidence =
  | {
      found: false;
      reason: string;
      /** Set when the newest anchored ledger map still holds what was asked for (deleted records). */
      completeness?: CompletenessEvidence | null;
    }
  | {
      found: true;
      events: EventEvidence[];
      batches: BatchEvidence[];
      certifications: CertificationEvidence[];
      /** Disclosed private values (only in bundles that carry openings). */
      openings?: OpeningEvidence[];
      /** The licences behind the batch's brand claim (live service data only; not in bundles). */
      licences?: LicenceEvidence[];
      /** Bundle fields that are labels of hashed data and do not match it. */
      labels?: LabelEvidence[];
      /** Why the chain contradicts the records (no registry where they say), or null. */
      chainProblem?: string | null;
      /** Why the chain could not be asked (unreachable, another chain), or null. */
      chainUnavailable?: string | null;
      /** Whether the records shown are the latest anchored ones (completeness.ts). */
      completeness?: CompletenessEvidence;
      /** The scan log of the item serial asked about (live service data only). */
      scans?: ScanEvidence;
    };

/** Which verdict a failing check stands for. */
const FAILS_AS: Record<CheckName, Verdict> = {
  record: "unknown",
  "event-hashes": "tampered",
  "hash-chain": "tampered",
  lineage: "tampered",
  "merkle-proofs": "tampered",
  "on-chain": "tampered",
  disclosure: "tampered",
  "certificate-signatures": "tampered",
  "certificate-coverage": "tampered",
  recall: "recalled",
  certifications: "revoked",
  "brand-licence": "revoked",
  anchoring: "pending",
  completeness: "tampered",
  "label-scans": "suspected-copy",
};

export function decideVerdict(evidence: VerdictEvidence): VerdictResult {
  if (!evidence.found) {
    const record: Check = { name: "record", status: "fail", detail: evidence.reason };
    return evidence.completeness?.status === "fail"
      ? { verdict: "tampered", checks: [record, checkCompleteness(evidence.completeness)] }
      : { verdict: "unknown", checks: [record] };
  }
  const checks: Check[] = [
    checkEventHashes(evidence.events, evidence.labels ?? []),
    checkLedgerLinks(evidence.events, evidence.batches),
    checkLineage(evidence.batches),
    checkMerkleProofs(evidence.events),
    checkOnChain(evidence.events, evidence.chainProblem ?? null, evidence.chainUnavailable ?? null),
    ...(evidence.openings && evidence.openings.length > 0 ? [checkOpenings(evidence.openings)] : []),
    ...(evidence.certifications.some((cert) => cert.signatureProblem !== undefined)
      ? [checkCertificateSignatures(evidence.certifications)]
      : []),
    ...(evidence.certifications.some((cert) => cert.coverageProblem !== undefined)
      ? [checkCertificateCoverage(evidence.certifications)]
      : []),
    checkRecall(evidence.batches),
    checkCertifications(evidence.certifications),
    ...(evidence.licences && evidence.licences.length > 0 ? [checkLicences(evidence.licences)] : []),
    checkAnchoring(evidence.events),
    ...(evidence.completeness ? [checkCompleteness(evidence.completeness)] : []),
    ...(evidence.scans ? [checkScans(evidence.scans)] : []),
  ];
  return { verdict: verdictOf(checks, evidence.certifications), checks };
}

function verdictOf(checks: Check[], certifications: CertificationEvidence[]): Verdict {
  const failing = new Set<Verdict>(
    checks
      .filter((check) => check.status === "fail")
      .map((check) =>
        check.name === "certifications" ? certificationsVerdict(certifications) : FAILS_AS[check.name],
      ),
  );
  if (checks.some((check) => check.status === "pending")) failing.add("pending");
  return VERDICTS.find((verdict) => failing.has(verdict)) ?? "verified";
}

/** What failing certifications stand for: a forged one outweighs a revoked one, which outweighs an expired one. */
function certificationsVerdict(certifications: CertificationEvidence[]): Verdict {
  const statuses = new Set(certifications.map((cert) => cert.status));
  if (statuses.has("not_issued")) return "tampered";
  if (statuses.has("revoked") || statuses.has("suspended")) return "revoked";
  return "expired";
}

function checkEventHashes(events: EventEvidence[], labels: LabelEvidence[]): Check {
  const bad = events.filter((event) => event.recomputedHash !== event.storedHash || !event.identityMatches);
  if (bad.length > 0) {
    return fail(
      "event-hashes",
      `${bad.length} of ${events.length} event(s) do not match their hash: ${list(bad.map(describeHashMismatch))}`,
    );
  }
  if (labels.length > 0) {
    return fail(
      "event-hashes",
      `labels do not match the hashed records: ${list(labels.map((label) => `${label.field} ${label.problem}`))}`,
    );
  }
  return pass(
    "event-hashes",
    `${events.length} event hash(es) recomputed from their bodies (RFC 8785 + keccak256)`,
  );
}

function describeHashMismatch(event: EventEvidence): string {
  if (!event.identityMatches) return `${eventName(event)} carries another event's batchId or seq`;
  if (event.recomputedHash === null) return `${eventName(event)} has a body that is not plain JSON`;
  return `${eventName(event)} hashes to ${event.recomputedHash}, not ${event.storedHash}`;
}

function checkLedgerLinks(events: EventEvidence[], batches: BatchEvidence[]): Check {
  const problems: string[] = [];
  for (const batch of batches) {
    const chain = events.filter((event) => event.batchId === batch.batchId).sort((a, b) => a.seq - b.seq);
    problems.push(...chainProblems(batch, chain));
  }
  if (problems.length > 0) return fail("hash-chain", list(problems));
  return pass("hash-chain", `${batches.length} batch chain(s) complete and linked from seq 1 to their head`);
}

function chainProblems(batch: BatchEvidence, chain: EventEvidence[]): string[] {
  if (chain.length === 0) return [`${batch.label} has no events`];
  const problems: string[] = [];
  let previous: EventEvidence | null = null;
  for (const event of chain) {
    const expectedSeq = previous ? previous.seq + 1 : 1;
    if (event.seq !== expectedSeq)
      problems.push(`${batch.label}: seq ${expectedSeq} is missing before seq ${event.seq}`);
    const expectedPrev = previous ? (previous.recomputedHash ?? previous.storedHash) : ZERO_HASH;
    if (event.prevHash !== expectedPrev) {
      problems.push(
        `${eventName(event)} links to ${event.prevHash}, not to ${previous ? `seq ${previous.seq}` : "zero"}`,
      );
    }
    previous = event;
  }
  const last = chain[chain.length - 1];
  if (batch.head && (batch.head.seq !== last.seq || batch.head.hash !== last.storedHash)) {
    problems.push(`${batch.label}: head is seq ${batch.head.seq} but the chain ends at seq ${last.seq}`);
  }
  return problems;
}

function checkLineage(batches: BatchEvidence[]): Check {
  const bad = batches.filter((batch) => batch.lineageProblem);
  if (bad.length > 0)
    return fail("lineage", list(bad.map((batch) => `${batch.label}: ${batch.lineageProblem}`)));
  const upstream = batches.filter((batch) => !batch.subject).length;
  return pass(
    "lineage",
    upstream === 0
      ? "no input batches"
      : `${upstream} input batch(es), each named by a hashed commissioning event`,
  );
}

function checkMerkleProofs(events: EventEvidence[]): Check {
  const anchored = events.filter((event) => event.anchor.state === "anchored");
  const bad = anchored.filter((event) => event.anchor.state === "anchored" && !event.anchor.proofValid);
  if (bad.length > 0)
    return fail("merkle-proofs", `Merkle proof does not reach its root for ${list(bad.map(eventName))}`);
  if (anchored.length === 0) return pending("merkle-proofs", "no event is anchored yet");
  return pass("merkle-proofs", `${anchored.length} Merkle proof(s) recomputed to their roots`);
}

function checkOnChain(
  events: EventEvidence[],
  chainProblem: string | null,
  unavailable: string | null,
): Check {
  if (chainProblem) return fail("on-chain", chainProblem);
  const anchored = events.flatMap((event) =>
    event.anchor.state === "anchored" ? [{ event, anchor: event.anchor }] : [],
  );
  if (anchored.length === 0) return pending("on-chain", "no event is anchored yet");
  const problems: string[] = [];
  let unreachable = false;
  for (const { event, anchor } of anchored) {
    if (
      anchor.onChain === "unreachable" ||
      anchor.verifyLeaf === "unreachable" ||
      anchor.transaction === "unreachable"
    ) {
      unreachable = true;
      continue;
    }
    if (anchor.onChain === null)
      problems.push(`root ${anchor.root} of ${eventName(event)} is not anchored on chain`);
    else if (anchor.claimedBlock !== null && anchor.onChain.blockNumber !== anchor.claimedBlock) {
      problems.push(
        `root ${anchor.root} was anchored in block ${anchor.onChain.blockNumber}, not ${anchor.claimedBlock} as claimed`,
      );
    }
    if (anchor.onChain !== null && anchor.verifyLeaf === false)
      problems.push(`verifyLeaf refuses ${eventName(event)}`);
    if (anchor.transaction && !anchor.transaction.ok) problems.push(anchor.transaction.problem);
  }
  if (problems.length > 0) return fail("on-chain", list([...new Set(problems)]));
  if (unavailable) return pending("on-chain", unavailable);
  if (unreachable) return pending("on-chain", "the chain could not be reached; anchors not confirmed now");
  const roots = new Set(anchored.map(({ anchor }) => anchor.root));
  const blocks = [
    ...new Set(anchored.map(({ anchor }) => (anchor.onChain as { blockNumber: number }).blockNumber)),
  ];
  return pass(
    "on-chain",
    `${roots.size} root(s) anchored on chain (block ${blocks.sort((a, b) => a - b).join(", ")}); verifyLeaf accepts ${anchored.length} event(s)`,
  );
}

function checkOpenings(openings: OpeningEvidence[]): Check {
  const bad = openings.filter((opening) => opening.problem);
  if (bad.length > 0) return fail("disclosure", list(bad.map((opening) => opening.problem!)));
  return pass("disclosure", `${openings.length} private value(s) open their commitments`);
}

function checkRecall(batches: BatchEvidence[]): Check {
  const recalled = batches.filter((batch) => batch.recalled);
  if (recalled.length === 0)
    return pass("recall", `no recall of this batch or its ${batches.length - 1} input batch(es)`);
  const self = recalled.find((batch) => batch.subject);
  const inputs = recalled.filter((batch) => !batch.subject);
  const parts = [
    ...(self ? [`${self.label} was recalled`] : []),
    ...(inputs.length > 0 ? [`made from recalled ${list(inputs.map((batch) => batch.label))}`] : []),
  ];
  return fail("recall", parts.join("; "));
}

function checkCertifications(certifications: CertificationEvidence[]): Check {
  if (certifications.length === 0) return pass("certifications", "no certifications claimed");
  const describe = (cert: CertificationEvidence) =>
    `${cert.name} ${cert.status === "unreachable" ? "status unknown (chain unreachable)" : cert.status.replaceAll("_", " ")}`;
  const invalid = certifications.filter((cert) => cert.status !== "valid" && cert.status !== "unreachable");
  if (invalid.length > 0) return fail("certifications", list(invalid.map(describe)));
  if (certifications.some((cert) => cert.status === "unreachable")) {
    return pending("certifications", list(certifications.map(describe)));
  }
  return pass("certifications", list(certifications.map(describe)));
}

function checkCertificateSignatures(certifications: CertificationEvidence[]): Check {
  const bad = certifications.filter((cert) => cert.signatureProblem);
  if (bad.length > 0)
    return fail("certificate-signatures", list(bad.map((cert) => `${cert.name}: ${cert.signatureProblem}`)));
  return pass(
    "certificate-signatures",
    `${certifications.length} certification(s) signed by their certifier for this chain and registry (EIP-712)`,
  );
}

function checkCertificateCoverage(certifications: CertificationEvidence[]): Check {
  const bad = certifications.filter((cert) => cert.coverageProblem);
  if (bad.length > 0)
    return fail("certificate-coverage", list(bad.map((cert) => `${cert.name}: ${cert.coverageProblem}`)));
  return pass(
    "certificate-coverage",
    `${certifications.length} certification(s) cover the batches that record them, by their hashed origin`,
  );
}

function checkAnchoring(events: EventEvidence[]): Check {
  const waiting = events.filter((event) => event.anchor.state === "pending");
  if (waiting.length > 0) {
    return pending(
      "anchoring",
      `${waiting.length} of ${events.length} event(s) are waiting for the next anchoring window`,
    );
  }
  return pass("anchoring", `all ${events.length} event(s) are anchored`);
}

function eventName(event: EventEvidence): string {
  return `event ${event.eventId} (${event.type}, seq ${event.seq})`;
}

function list(items: string[], max = 3): string {
  return items.length <= max
    ? items.join("; ")
    : `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}

function pass(name: CheckName, detail: string): Check {
  return { name, status: "pass", detail };
}

function fail(name: CheckName, detail: string): Check {
  return { name, status: "fail", detail };
}

function pending(name: CheckName, detail: string): Check {
  return { name, status: "pending", detail };
}
