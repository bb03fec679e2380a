import { createHash } from "node:crypto";
import { issuedPathName } from "../../platform/crypto/merkle";
import type { ProofBundle } from "./domain/proof-bundle";
import { examineProofBundle } from "./domain/proof-bundle-verify";
import type { VerdictEvidence } from "./domain/verdict";
import type { ServiceChainReader } from "./verify-chain-reader";

export type Examination = Awaited<ReturnType<typeof examineProofBundle>>;

/**
 * Recent examinations of proof bundles (every hash, chain link, Merkle proof, signature and chain
 * answer: the expensive half of a verification, issue 15), kept for the next verification of the
 * same evidence. The verdict itself is still decided on every request, from this evidence, by the
 * one verdict function.
 *
 * An examination is reused only for exactly the same bundle: the key is a digest of the whole
 * bundle as read from the database for this request (every event body and hash, the batches'
 * heads, the Merkle proofs, the ledger-map proofs against the newest window), so a new
 * event, a recall, a newly anchored window or an operator's direct edit of any stored record
 * changes the key and is examined afresh at once. Chain answers are covered by the reader's
 * `generation` (a logged certification change, a reorg or reset seen by the reader or the
 * anchoring worker) and by `ttlMs`; an examination that rests on a missing or unreachable chain
 * answer is not kept, nor one past a certification's signed validity boundary.
 *
 * Only evidence asked about before is kept: the first verification of a batch (at its head, in
 * this chain generation, within `ttlMs`) is examined without digesting its bundle, since nothing
 * could be reused for it and most such verifications are the only one (issue 15: at 1,000,000
 * events 99% of verifications were first ones, and the digest was ~6% of their main-thread time).
 */
export class ExaminationCache {
  private readonly entries = new Map<string, { examination: Examination; until: number; untilSec: number }>();
  /** Bundles asked about (generation, batches and heads) and until when that counts. */
  private readonly sightings = new Map<string, number>();
  /** Reused and computed examinations, for tests and diagnostics. */
  readonly counts = { reused: 0, computed: 0 };

  constructor(
    private readonly reader: ServiceChainReader,
    private readonly ttlMs = 10_000,
    private readonly capacity = 1_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async examine(bundle: ProofBundle, nowSec: number): Promise<Examination> {
    await this.reader.refresh();
    const now = this.clock();
    const digest = this.firstSighting(bundle, now) ? null : bundleDigest(bundle);
    if (digest === null) {
      this.counts.computed++;
      return examineProofBundle(bundle, this.reader, { nowSec });
    }
    const key = `${this.reader.generation}:${digest}`;
    const hit = this.entries.get(key);
    if (hit && hit.until > now && nowSec < hit.untilSec) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.counts.reused++;
      return hit.examination;
    }
    this.counts.computed++;
    const examination = await examineProofBundle(bundle, this.reader, { nowSec });
    if (restsOnChainAnswers(examination.evidence)) {
      this.entries.set(key, {
        examination,
        until: now + this.ttlMs,
        untilSec: nextValidityBoundary(examination, nowSec),
      });
      while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    return examination;
  }

  /** Whether no bundle of these batches at these heads was asked about in this generation within `ttlMs`. */
  private firstSighting(bundle: ProofBundle, now: number): boolean {
    const heads = bundle.batches.map(({ batchId, head }) => `${batchId}@${head.hash}`).join();
    const sighting = `${this.reader.generation}:${heads}`;
    const seen = (this.sightings.get(sighting) ?? 0) > now;
    this.sightings.delete(sighting);
    this.sightings.set(sighting, now + this.ttlMs);
    while (this.sightings.size > 10 * this.capacity)
      this.sightings.delete(this.sightings.keys().next().value!);
    return !seen;
  }
}

/**
 * SHA-256 of the bundle's JSON without its `generatedAt` (informational, the time of the request),
 * or null when the bundle holds a value JSON would blur (a Date or an ObjectId stored where a string
 * was, a NaN, an undefined): the event hash is over plain JSON only, so such a bundle must not
 * digest like the one it was edited from, and is examined every time. (The embedded engine stores
 * such values as strings; MongoDB keeps their types.)
 */
export function bundleDigest(bundle: ProofBundle): string | null {
  const unstamped = { ...bundle, generatedAt: "", events: bundle.events.map(withNamedPath) };
  if (!isPlainJson(unstamped)) return null;
  return createHash("sha256").update(JSON.stringify(unstamped)).digest("base64");
}

/**
 * The event with a proof its tree issued replaced by that path's name (a string where a proof is
 * an array, so the two cannot be confused): the name fixes every sibling, and the siblings are
 * two thirds of a bundle's bytes (issue 15: the digest was a twentieth of a verification).
 */
function withNamedPath(event: ProofBundle["events"][number]) {
  const name = event.anchor && issuedPathName(event.anchor.proof);
  return name ? { ...event, anchor: { ...event.anchor!, proof: name } } : event;
}

function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainJson);
      const prototype = Object.getPrototypeOf(value) as object | null;
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

/** Whether every chain answer the examination used was a positive one (a negative one may turn any moment). */
function restsOnChainAnswers(evidence: VerdictEvidence): boolean {
  if (!evidence.found || evidence.chainProblem || evidence.chainUnavailable) return false;
  // Pending completeness may rest on an unread newest window: examined again until it is settled.
  if (evidence.completeness?.status === "pending") return false;
  const anchorsAnswered = evidence.events.every(
    ({ anchor }) =>
      anchor.state === "pending" ||
      (anchor.onChain !== null &&
        anchor.onChain !== "unreachable" &&
        anchor.verifyLeaf !== "unreachable" &&
        anchor.transaction !== "unreachable"),
  );
  return (
    anchorsAnswered &&
    evidence.certifications.every((certification) => certification.status !== "unreachable")
  );
}

/** The first second after `nowSec` at which a certification's signed validity starts or ends. */
function nextValidityBoundary(examination: Examination, nowSec: number): number {
  let next = Infinity;
  for (const { message } of examination.certifications) {
    if (!message) continue;
    for (const boundary of [Number(message.validFrom), Number(message.validUntil) + 1])
      if (boundary > nowSec && boundary < next) next = boundary;
  }
  return next;
}
