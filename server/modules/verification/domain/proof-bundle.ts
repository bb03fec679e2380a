import { z } from "zod";

/**
 * A proof bundle: everything needed to verify a batch's records against the chain with no access
 * to EcoTrace — the disclosed event bodies (salts included; private fields as commitments), their
 * hashes, the Merkle proof of each anchored event, the anchored roots with their transactions,
 * the chain id and the registry address. `npm run verify-bundle` checks one against any RPC.
 *
 * Only `events[].body`, `events[].anchor.proof` and the chain facts are evidence; everything else
 * (`subject`, `batches[].label`, `anchors[]` block and transaction) is a label that the verifier
 * recomputes from the evidence or checks on chain, and a mismatch fails verification.
 * `generatedAt` and `publisher` are informational only.
 *
 * Format 2 adds `completeness` (decision 0015): each batch's entry in the ledger map of the newest
 * window, with its proof, so that a verifier can tell it was shown every batch's latest anchored
 * head. Format 1 bundles are refused with a message saying so.
 */
export const PROOF_BUNDLE_FORMAT = "ecotrace-proof-bundle/2";
const FORMAT_WITHOUT_COMPLETENESS = "ecotrace-proof-bundle/1";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 32 bytes as 0x-prefixed lowercase hex");
const objectIdHex = z.string().regex(/^[0-9a-f]{24}$/, "must be a 24-character hex id");

const bundleEvent = z.strictObject({
  eventId: objectIdHex,
  hash: hex32,
  body: z.record(z.string(), z.unknown()),
  anchor: z
    .strictObject({
      root: hex32,
      leafIndex: z.number().int().min(0),
      proof: z.array(hex32).max(64).readonly(),
    })
    .nullable(),
});

const bundleAnchor = z.strictObject({
  root: hex32,
  leafCount: z.number().int().min(1),
  txHash: hex32.nullable(),
  blockNumber: z.number().int().min(0),
  anchoredAt: z.string().nullable(),
});

const bundleBatch = z.strictObject({
  batchId: objectIdHex,
  relation: z.enum(["subject", "input"]),
  label: z.string(),
  head: z.strictObject({ seq: z.number().int().min(1), hash: hex32 }),
});

const ledgerMapProof = z.strictObject({
  batchId: objectIdHex,
  key: hex32,
  value: z.strictObject({ ledgerId: objectIdHex, seq: z.number().int().min(1), headHash: hex32 }).nullable(),
  siblings: z.array(hex32).max(256),
  neighbour: z.strictObject({ key: hex32, valueHash: hex32 }).optional(),
});

const bundleCompleteness = z.strictObject({
  window: z.strictObject({ index: z.number().int().min(1), root: hex32, mapRoot: hex32 }),
  ledgers: z.array(ledgerMapProof),
});

const bundleOpening = z.strictObject({
  eventId: objectIdHex,
  pointer: z.string(),
  salt: hex32,
  value: z.unknown(),
});

export const proofBundleSchema = z.strictObject({
  format: z.literal(PROOF_BUNDLE_FORMAT),
  generatedAt: z.string(),
  publisher: z.string().optional(),
  method: z.record(z.string(), z.string()).optional(),
  subject: z.strictObject({
    batchId: objectIdHex,
    /** The batch's public id (decision 0020): the key of its `/b/` link; absent in older bundles. */
    publicId: z.string().max(40).optional(),
    digitalLink: z.string(),
    product: z.strictObject({
      name: z.string().optional(),
      category: z.string().optional(),
      gtin: z.string().optional(),
    }),
    lot: z.string(),
    brand: z.string().optional(),
  }),
  chain: z.strictObject({
    chainId: z.number().int().min(1),
    registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte address"),
  }),
  batches: z.array(bundleBatch).min(1),
  events: z.array(bundleEvent).min(1),
  anchors: z.array(bundleAnchor),
  /** Null while no window with a ledger map is anchored. */
  completeness: bundleCompleteness.nullable(),
  openings: z.array(bundleOpening).optional(),
});

export type ProofBundle = z.infer<typeof proofBundleSchema>;
export type BundleEvent = ProofBundle["events"][number];
export type BundleAnchor = ProofBundle["anchors"][number];
export type BundleBatch = ProofBundle["batches"][number];
export type BundleOpening = NonNullable<ProofBundle["openings"]>[number];
export type BundleCompleteness = NonNullable<ProofBundle["completeness"]>;

/** How each value in a bundle is computed: written into every bundle for its reader. */
export const BUNDLE_METHOD = {
  eventHash: "keccak256(utf8(RFC 8785 canonical JSON of body))",
  chain: "body.prevHash = hash of the same batch's previous event (seq - 1); zero hash for seq 1",
  leaf: "keccak256(keccak256(eventHash)), OpenZeppelin StandardMerkleTree leaf with encoding [bytes32]",
  proof: "OpenZeppelin MerkleProof: sorted-pair keccak256 from leaf to root",
  anchor: "ProvenanceRegistry.anchorOf(root) and verifyLeaf(root, proof, leaf) at chain.registry",
  privateField: 'a private value appears as { "@commitment": keccak256(salt ‖ utf8(RFC 8785 of value)) }',
  lineage:
    "an input batch is named in body.data.inputs[].batchId of its output's commissioning event (seq 1)",
  completeness:
    "completeness.window is ProvenanceRegistry.latestWindow(); each batch's head (seq, hash) is its entry in the ledger map under keccak256(utf8('01/{gtin14}/10/{lot}')) (or 'batch/{id}' without a GTIN), proven to the window's mapRoot (decision 0015)",
} as const;

/** Parses a bundle, naming the first problem in terms a person can act on. */
export function parseProofBundle(
  value: unknown,
): { ok: true; bundle: ProofBundle } | { ok: false; problem: string } {
  if ((value as { format?: unknown } | null)?.format === FORMAT_WITHOUT_COMPLETENESS) {
    return {
      ok: false,
      problem: `format ${FORMAT_WITHOUT_COMPLETENESS} carries no ledger-map proof, so it cannot show that it holds the latest anchored records (a hidden recall or revocation would pass); download a fresh bundle, format ${PROOF_BUNDLE_FORMAT}`,
    };
  }
  const result = proofBundleSchema.safeParse(value);
  if (result.success) return { ok: true, bundle: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "the bundle";
  return { ok: false, problem: `${where}: ${issue.message}` };
}

/** The hashed facts that name a batch: product, lot and brand from its commissioning event. */
export interface CommissionedLabel {
  product?: { name?: unknown; category?: unknown; gtin?: unknown };
  lot?: unknown;
  brand?: unknown;
  inputs: string[];
}

export function commissionedLabel(body: Record<string, unknown> | undefined): CommissionedLabel {
  const data = (body?.data ?? {}) as Record<string, unknown>;
  const inputs = Array.isArray(data.inputs)
    ? data.inputs.flatMap((input) => {
        const batchId = (input as { batchId?: unknown } | null)?.batchId;
        return typeof batchId === "string" ? [batchId] : [];
      })
    : [];
  return {
    ...(data.product && typeof data.product === "object"
      ? { product: data.product as CommissionedLabel["product"] }
      : {}),
    ...(data.lot !== undefined ? { lot: data.lot } : {}),
    ...(data.brand !== undefined ? { brand: data.brand } : {}),
    inputs,
  };
}

/** A short human label for a batch, from its hashed commissioning facts when it has them. */
export function batchLabel(batchId: string, label: CommissionedLabel): string {
  const name = typeof label.product?.name === "string" ? label.product.name : null;
  const lot = typeof label.lot === "string" ? label.lot : null;
  if (name && lot) return `${name} lot ${lot}`;
  if (lot) return `lot ${lot}`;
  return `batch ${batchId}`;
}
