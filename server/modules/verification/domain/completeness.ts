import { batchLedgerKey, verifyLedgerMapProof } from "../../anchoring";
import type { Hex } from "../../../platform/crypto/keccak";
import type { ProofBundle } from "./proof-bundle";
import type { ChainAnswer, Check } from "./checks";

/**
 * Completeness (decision 0015): was the verifier shown the latest anchored state of the batch and
 * of every batch upstream of it? The registry's newest window commits to a ledger map holding each
 * ledger's latest anchored head; the bundle proves each batch's entry in that map. Pure: the chain
 * answers come in `facts`.
 *
 * - tail truncation (a recall or a certifying event deleted, head moved back): the map's head seq is
 *   beyond the records shown;
 * - a second version of an anchored (batch, seq): the shown event at the map's seq has another hash,
 *   or an event the map never took was anchored in a window the map already covers;
 * - a deleted batch: see `deletedLedgerEvidence` (the service no longer shows a key the map holds);
 * - a stale or forged map: the bundle's window is not the registry's newest, or a proof does not
 *   reach its map root.
 */
export interface CompletenessEvidence {
  status: "pass" | "fail" | "pending";
  detail: string;
}

export interface CompletenessFacts {
  /** ProvenanceRegistry.latestWindow(); index 0 before the first window. */
  latest: ChainAnswer<{ index: number; root: string; mapRoot: string }>;
  /** anchorOf(root).window of each event root: 0 for a root outside the window history, null if not anchored. */
  windowOfRoot: ReadonlyMap<string, ChainAnswer<number | null>>;
}

export function examineCompleteness(bundle: ProofBundle, facts: CompletenessFacts): CompletenessEvidence {
  const { latest } = facts;
  if (latest === "unreachable")
    return pending("the registry's newest window could not be read; completeness not established");
  const proven = bundle.completeness;
  if (!proven) {
    return latest.index === 0
      ? pending("no anchoring window with a ledger map is on chain yet")
      : pending(
          `the bundle proves no ledger-map entry, but the registry is at window ${latest.index}: fetch a fresh bundle`,
        );
  }
  const window = proven.window;
  if (window.index !== latest.index || window.root !== latest.root) {
    if (window.index < latest.index)
      return pending(
        `the bundle shows the ledger map of window ${window.index}, the registry is at window ${latest.index}: fetch a fresh bundle`,
      );
    if (window.index > latest.index)
      return pending(`the registry does not show window ${window.index} yet (it is at ${latest.index})`);
    return fail(
      `window ${window.index} on chain has root ${latest.root}, not ${window.root} as the bundle says`,
    );
  }
  if (window.mapRoot !== latest.mapRoot)
    return fail(`window ${window.index} committed to map root ${latest.mapRoot}, not ${window.mapRoot}`);
  const problems = bundle.batches.flatMap((batch) => batchProblems(bundle, batch.batchId, window, facts));
  if (problems.length > 0) return fail(problems.slice(0, 3).join("; "));
  return {
    status: "pass",
    detail: `the registry's newest window (${window.index}) holds the head shown for each of ${bundle.batches.length} batch(es): nothing truncated, rewritten or missing`,
  };
}

function batchProblems(
  bundle: ProofBundle,
  batchId: string,
  window: { index: number; mapRoot: string },
  facts: CompletenessFacts,
): string[] {
  const entry = bundle.completeness!.ledgers.find((ledger) => ledger.batchId === batchId);
  if (!entry) return [`batch ${batchId}: no ledger-map proof`];
  const events = bundle.events
    .filter((event) => event.body.batchId === batchId)
    .sort((a, b) => Number(a.body.seq) - Number(b.body.seq));
  const commissioning = events.find((event) => event.body.seq === 1);
  const key = batchLedgerKey(batchId, commissioning?.body.data);
  if (entry.key !== key) return [`batch ${batchId}: the map proof is for key ${entry.key}, not ${key}`];
  if (!verifyLedgerMapProof(window.mapRoot as Hex, entry as Parameters<typeof verifyLedgerMapProof>[1]))
    return [`batch ${batchId}: the ledger-map proof does not reach map root ${window.mapRoot}`];
  if (entry.value && entry.value.ledgerId !== batchId)
    return [`batch ${batchId}: its key is held by ledger ${entry.value.ledgerId} in the map`];
  const head = entry.value ? { seq: entry.value.seq, hash: entry.value.headHash } : { seq: 0, hash: null };
  const problems: string[] = [];
  if (head.seq > 0) {
    const atHead = events.find((event) => event.body.seq === head.seq);
    const shownUpTo = events.length > 0 ? Number(events.at(-1)!.body.seq) : 0;
    if (!atHead) {
      problems.push(
        `batch ${batchId}: the registry's map holds its head at seq ${head.seq}, but the records shown end at seq ${shownUpTo} (anchored events hidden)`,
      );
    } else if (atHead.hash !== head.hash) {
      problems.push(
        `batch ${batchId}: seq ${head.seq} was anchored as ${head.hash}; the record shown is another version (${atHead.hash})`,
      );
    }
  }
  for (const event of events) {
    if (!event.anchor || Number(event.body.seq) <= head.seq) continue;
    const eventWindow = facts.windowOfRoot.get(event.anchor.root);
    if (eventWindow === undefined || eventWindow === "unreachable" || eventWindow === null) continue;
    if (eventWindow === 0 || eventWindow <= window.index) {
      problems.push(
        `batch ${batchId}: seq ${String(event.body.seq)} is anchored (window ${eventWindow}) but the map never took it as the head after seq ${head.seq}: a second version of the history`,
      );
      break;
    }
  }
  return problems;
}

/**
 * A batch the service does not show although the newest anchored map holds it: deleted records.
 * `entry` is the map's entry for the key or the ledger asked about (null when the map has none).
 */
export function deletedLedgerEvidence(
  asked: string,
  entry: { seq: number; headHash: string; windowIndex: number } | null,
): CompletenessEvidence | null {
  if (!entry) return null;
  return fail(
    `${asked} is not shown, but the registry's ledger map (window ${entry.windowIndex}) holds its head at seq ${entry.seq} (${entry.headHash}): its records were deleted`,
  );
}

export function checkCompleteness(evidence: CompletenessEvidence): Check {
  return { name: "completeness", status: evidence.status, detail: evidence.detail };
}

function pending(detail: string): CompletenessEvidence {
  return { status: "pending", detail };
}

function fail(detail: string): CompletenessEvidence {
  return { status: "fail", detail };
}
