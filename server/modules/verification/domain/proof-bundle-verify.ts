import type { ChainCertificationRecord } from "../../certifications";
import { parseDigitalLinkPath } from "../../batches";
import { openingProblem, computeEventHash } from "../../ledger";
import { type Hex } from "../../../platform/crypto/keccak";
import { keccak256 } from "../../../platform/crypto/keccak";
import { issuedLeafOf, verifyMerkleLeaf } from "../../../platform/crypto/merkle";
import { batchLabel, commissionedLabel, type BundleEvent, type ProofBundle } from "./proof-bundle";
import { certificationsFromBundle, type BundleCertification } from "./proof-bundle-certifications";
import { examineCompleteness } from "./completeness";
import type {
  AnchorEvidence,
  BatchEvidence,
  ChainAnswer,
  EventEvidence,
  LabelEvidence,
  OpeningEvidence,
  VerdictEvidence,
} from "./verdict";

/**
 * Turns a proof bundle into verdict evidence: recomputes every hash, chain link, lineage link,
 * label and Merkle proof, and asks the chain (through `chain`, any JSON-RPC endpoint) whether each
 * root is anchored and whether `verifyLeaf` accepts each event. A chain that cannot be reached
 * leaves those answers "unreachable" (verdict pending), never "valid".
 */
export interface ChainReader {
  network(): Promise<{ chainId: number; registryHasCode: boolean }>;
  /** anchorOf(root), or null when the root was never anchored; `window` 0 = not a window. */
  anchorOf(root: string): Promise<RootAnchor | null>;
  /** latestWindow(): the newest window and its ledger-map root (index 0 before the first). */
  latestWindow(): Promise<{ index: number; root: string; mapRoot: string }>;
  verifyLeaf(root: string, proof: readonly string[], leaf: string): Promise<boolean>;
  /** Checks the anchoring transaction of `root` (optional: the service skips it). */
  anchoringTransaction?(txHash: string, root: string): Promise<{ ok: true } | { ok: false; problem: string }>;
  /** certificationOf(certHash, issuer): the registry's record of `issuer`'s issuance of a certification. */
  certificationOf?(certHash: string, issuer: string): Promise<ChainCertificationRecord>;
}

export interface ExamineOptions {
  /** The time certifications are judged at (Unix seconds). */
  nowSec: number;
}

export interface RootAnchor {
  blockNumber: number;
  timestamp: number;
  leafCount: number;
  window: number;
}

export interface OnChainAnchor {
  root: string;
  blockNumber: number;
  timestamp: number;
}

export async function examineProofBundle(
  bundle: ProofBundle,
  chain: ChainReader,
  options: ExamineOptions,
): Promise<{ evidence: VerdictEvidence; onChain: OnChainAnchor[]; certifications: BundleCertification[] }> {
  const network = await ask(() => chain.network());
  let chainProblem: string | null = null;
  let chainUnavailable: string | null = null;
  if (network === "unreachable")
    chainUnavailable = "the chain's RPC endpoint could not be reached; anchors not confirmed now";
  else if (network.chainId !== bundle.chain.chainId) {
    chainUnavailable = `the RPC endpoint serves chain ${network.chainId}, but the bundle was anchored on chain ${bundle.chain.chainId}: ask an endpoint of chain ${bundle.chain.chainId}`;
  } else if (!network.registryHasCode) {
    chainProblem = `there is no contract at registry ${bundle.chain.registry} on chain ${network.chainId}`;
  }
  const roots = chainProblem
    ? new Map<string, RootFacts>()
    : await rootFacts(bundle, chain, chainUnavailable !== null);
  const events = await Promise.all(bundle.events.map((event) => eventEvidence(bundle, event, roots, chain)));
  const batches = batchEvidence(bundle);
  const certifications = await certificationsFromBundle(
    bundle,
    chainProblem || chainUnavailable ? undefined : chain.certificationOf?.bind(chain),
    options.nowSec,
  );
  const evidence: VerdictEvidence = {
    found: true,
    events,
    batches,
    certifications,
    openings: openingEvidence(bundle),
    labels: labelEvidence(bundle),
    chainProblem,
    chainUnavailable,
    completeness: examineCompleteness(bundle, {
      latest: chainProblem || chainUnavailable ? "unreachable" : await ask(() => chain.latestWindow()),
      windowOfRoot: new Map(
        [...roots.entries()].map(([root, facts]) => [
          root,
          facts.anchor === "unreachable" || facts.anchor === null ? facts.anchor : facts.anchor.window,
        ]),
      ),
    }),
  };
  const onChain = [...roots.entries()].flatMap(([root, facts]) =>
    facts.anchor && facts.anchor !== "unreachable"
      ? [{ root, blockNumber: facts.anchor.blockNumber, timestamp: facts.anchor.timestamp }]
      : [],
  );
  return { evidence, onChain, certifications };
}

/** The double-hashed leaf of an event hash, as `verifyLeaf` takes it. */
export function leafOf(eventHash: string): Hex {
  const value = Buffer.from(eventHash.slice(2), "hex");
  return `0x${Buffer.from(keccak256(keccak256(value))).toString("hex")}`;
}

interface RootFacts {
  anchor: ChainAnswer<RootAnchor | null>;
  transaction?: ChainAnswer<{ ok: true } | { ok: false; problem: string }>;
}

async function rootFacts(bundle: ProofBundle, chain: ChainReader, unreachable: boolean) {
  const facts = new Map<string, RootFacts>();
  const roots = [...new Set(bundle.events.flatMap((event) => (event.anchor ? [event.anchor.root] : [])))];
  await Promise.all(
    roots.map(async (root) => {
      if (unreachable) return facts.set(root, { anchor: "unreachable" });
      const anchor = await ask(() => chain.anchorOf(root));
      const listed = bundle.anchors.find((entry) => entry.root === root);
      let transaction: RootFacts["transaction"];
      if (!listed) {
        transaction = { ok: false, problem: `root ${root} is used by an event but not listed in anchors` };
      } else if (anchor !== "unreachable" && anchor && listed.leafCount !== anchor.leafCount) {
        transaction = {
          ok: false,
          problem: `root ${root} covers ${anchor.leafCount} leaves on chain, not ${listed.leafCount} as listed`,
        };
      } else if (listed.txHash && chain.anchoringTransaction) {
        const txHash = listed.txHash;
        transaction = await ask(() => chain.anchoringTransaction!(txHash, root));
      }
      facts.set(root, { anchor, ...(transaction ? { transaction } : {}) });
    }),
  );
  return facts;
}

async function eventEvidence(
  bundle: ProofBundle,
  event: BundleEvent,
  roots: Map<string, RootFacts>,
  chain: ChainReader,
): Promise<EventEvidence> {
  const body = event.body;
  let recomputedHash: string | null;
  try {
    recomputedHash = computeEventHash(body);
  } catch {
    recomputedHash = null;
  }
  const batchId = typeof body.batchId === "string" ? body.batchId : "";
  const seq = typeof body.seq === "number" ? body.seq : 0;
  return {
    eventId: event.eventId,
    batchId,
    seq,
    type: typeof body.type === "string" ? body.type : "?",
    storedHash: event.hash,
    recomputedHash,
    identityMatches:
      Number.isInteger(seq) && seq >= 1 && bundle.batches.some((batch) => batch.batchId === batchId),
    prevHash: typeof body.prevHash === "string" ? body.prevHash : "",
    anchor: await anchorEvidence(bundle, event, recomputedHash ?? event.hash, roots, chain),
  };
}

async function anchorEvidence(
  bundle: ProofBundle,
  event: BundleEvent,
  hash: string,
  roots: Map<string, RootFacts>,
  chain: ChainReader,
): Promise<AnchorEvidence> {
  if (!event.anchor) return { state: "pending" };
  const { root, proof } = event.anchor;
  const listed = bundle.anchors.find((entry) => entry.root === root);
  // One leaf for both checks (the proof walked here, the chain's verifyLeaf): from the tree that
  // issued the proof, or hashed.
  let leaf: Hex | null = null;
  let proofValid: boolean;
  try {
    leaf = issuedLeafOf(proof, hash) ?? leafOf(hash);
    proofValid = /^0x[0-9a-f]{64}$/i.test(hash) && verifyMerkleLeaf(root as Hex, leaf, proof as Hex[]);
  } catch {
    proofValid = false; // root or proof not 32-byte hex
  }
  const facts = roots.get(root);
  const onChain = facts ? facts.anchor : "unreachable";
  const verifyLeaf =
    !facts || facts.anchor === "unreachable" || facts.anchor === null
      ? facts?.anchor === null
        ? false
        : "unreachable"
      : leaf === null
        ? "unreachable"
        : await ask(() => chain.verifyLeaf(root, proof, leaf));
  return {
    state: "anchored",
    root,
    proofValid,
    onChain:
      onChain === "unreachable" || onChain === null
        ? onChain
        : { blockNumber: onChain.blockNumber, timestamp: onChain.timestamp },
    claimedBlock: listed ? listed.blockNumber : null,
    verifyLeaf,
    ...(facts?.transaction ? { transaction: facts.transaction } : {}),
  };
}

function batchEvidence(bundle: ProofBundle): BatchEvidence[] {
  const commissioning = new Map<string, ReturnType<typeof commissionedLabel>>();
  for (const event of bundle.events) {
    if (event.body.seq === 1 && typeof event.body.batchId === "string") {
      commissioning.set(event.body.batchId, commissionedLabel(event.body));
    }
  }
  const present = new Set(bundle.batches.map((batch) => batch.batchId));
  const named = new Set([...commissioning.values()].flatMap((label) => label.inputs));
  return bundle.batches.map((batch) => {
    const label = commissioning.get(batch.batchId) ?? { inputs: [] };
    const missing = label.inputs.filter((input) => !present.has(input));
    const isSubject = batch.relation === "subject";
    let lineageProblem: string | null = null;
    if (isSubject !== (batch.batchId === bundle.subject.batchId)) {
      lineageProblem = "the subject batch is listed as an input, or an input as the subject";
    } else if (missing.length > 0) {
      lineageProblem = `input batch(es) ${missing.join(", ")} named by its commissioning event are missing`;
    } else if (!isSubject && !named.has(batch.batchId)) {
      lineageProblem = "is not named as an input by any batch's commissioning event";
    }
    // Recalled only by a hashed recalling event: a status field cannot recall or un-recall.
    const recalled = bundle.events.some(
      (event) => event.body.batchId === batch.batchId && event.body.type === "recalling",
    );
    return {
      batchId: batch.batchId,
      label: batchLabel(batch.batchId, label),
      subject: isSubject,
      head: batch.head,
      recalled,
      lineageProblem,
    };
  });
}

function labelEvidence(bundle: ProofBundle): LabelEvidence[] {
  const problems: LabelEvidence[] = [];
  const subjectCommissioning = bundle.events.find(
    (event) => event.body.batchId === bundle.subject.batchId && event.body.seq === 1,
  );
  const hashed = commissionedLabel(subjectCommissioning?.body);
  const { subject } = bundle;
  const compare = (field: string, shown: unknown, proven: unknown) => {
    if (proven !== undefined && shown !== proven) {
      problems.push({
        field,
        problem: `is ${JSON.stringify(shown)} but the hashed record says ${JSON.stringify(proven)}`,
      });
    }
  };
  if (hashed.product) {
    compare("subject.product.name", subject.product.name, hashed.product.name);
    compare("subject.product.category", subject.product.category, hashed.product.category);
    compare("subject.product.gtin", subject.product.gtin, hashed.product.gtin);
  }
  compare("subject.lot", subject.lot, hashed.lot);
  if (hashed.product) compare("subject.brand", subject.brand, hashed.brand);
  problems.push(...digitalLinkProblems(bundle));
  for (const batch of bundle.batches) {
    const commissioning = bundle.events.find(
      (event) => event.body.batchId === batch.batchId && event.body.seq === 1,
    );
    const expected = batchLabel(batch.batchId, commissionedLabel(commissioning?.body));
    if (batch.label !== expected) {
      problems.push({
        field: `batches[${batch.batchId}].label`,
        problem: `is ${JSON.stringify(batch.label)}, not ${JSON.stringify(expected)}`,
      });
    }
  }
  return problems;
}

function digitalLinkProblems(bundle: ProofBundle): LabelEvidence[] {
  const { subject } = bundle;
  let path: string;
  try {
    path = new URL(subject.digitalLink).pathname;
  } catch {
    return [{ field: "subject.digitalLink", problem: "is not a URL" }];
  }
  if (path.endsWith(`/b/${subject.publicId ?? subject.batchId}`)) return [];
  try {
    const key = parseDigitalLinkPath(path);
    if (key && key.gtin === subject.product.gtin && key.lot === subject.lot) return [];
  } catch {
    // reported below
  }
  return [
    { field: "subject.digitalLink", problem: "does not name the subject's GTIN and lot (or its batch id)" },
  ];
}

function openingEvidence(bundle: ProofBundle): OpeningEvidence[] {
  return (bundle.openings ?? []).map((opening) => {
    const event = bundle.events.find((candidate) => candidate.eventId === opening.eventId);
    return {
      eventId: opening.eventId,
      pointer: opening.pointer,
      problem: event
        ? openingProblem(event.body, opening)
        : `the opening of ${opening.pointer} names event ${opening.eventId}, which is not in the bundle`,
    };
  });
}

async function ask<T>(call: () => Promise<T>): Promise<T | "unreachable"> {
  try {
    return await call();
  } catch {
    return "unreachable";
  }
}

/** topic0 of `RootAnchored(bytes32 indexed root, uint32 leafCount, uint64 timestamp, address indexed anchorer)`. */
export const ROOT_ANCHORED_TOPIC = `0x${Buffer.from(
  keccak256(Buffer.from("RootAnchored(bytes32,uint32,uint64,address)", "utf8")),
).toString("hex")}`;

export interface ReceiptFacts {
  status: number | null;
  to: string | null;
  blockNumber: number;
  logs: readonly { address: string; topics: readonly string[] }[];
}

/**
 * Whether a transaction receipt is the anchoring of `root` at `registry`: mined, successful, sent
 * to the registry, and emitting RootAnchored(root) from it. Null when it is; the problem otherwise.
 */
export function anchoringReceiptProblem(
  txHash: string,
  receipt: ReceiptFacts | null,
  registry: string,
  root: string,
): string | null {
  if (!receipt) return `transaction ${txHash} is not on chain`;
  if (receipt.status !== 1) return `transaction ${txHash} failed on chain`;
  if (receipt.to?.toLowerCase() !== registry.toLowerCase())
    return `transaction ${txHash} was not sent to the registry`;
  const anchored = receipt.logs.some(
    (log) =>
      log.address.toLowerCase() === registry.toLowerCase() &&
      log.topics[0]?.toLowerCase() === ROOT_ANCHORED_TOPIC &&
      log.topics[1]?.toLowerCase() === root.toLowerCase(),
  );
  return anchored ? null : `transaction ${txHash} did not anchor root ${root}`;
}
