import type { ChainClient } from "../../platform/evm/chain-client";
import { BatchRepository, type BatchDoc, findBatch, findBatchByPublicId } from "../batches";
import type { ProofBundle } from "./domain/proof-bundle";
import type { OnChainAnchor } from "./domain/proof-bundle-verify";
import { decideVerdict, type VerdictResult } from "./domain/verdict";
import type { ScanEvidence } from "./domain/verdict-scans";
import { NotFoundError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";
import {
  AnchoredWindows,
  collectBatchRecords,
  newestLedgerMap,
  WindowTrees,
  type BatchRecords,
  type BundleContext,
} from "./batch-records";
import { ServiceChainReader } from "./verify-chain-reader";
import { certificationDisplays, withStatusChanges, type CertificationDisplay } from "./verify-certifications";
import { liveBrandClaim, type BrandClaimDisplay } from "./verify-licences";
import { LedgerMapCache, gs1LedgerKey } from "../anchoring";
import { deletedLedgerEvidence, type CompletenessEvidence } from "./domain/completeness";
import { ExaminationCache } from "./examination-cache";
import { onRegistryWrite } from "../../platform/evm/registry-writes";

export interface VerifierDeps {
  useCaseContext: UseCaseContext;
  chain: ChainClient;
  publicBaseUrl: string;
}

export type BatchVerification = VerdictResult & {
  batchId: string;
  checkedAt: string;
} & (
    | { found: false }
    | {
        found: true;
        records: BatchRecords;
        onChain: OnChainAnchor[];
        certifications: CertificationDisplay[];
        /** The brand the batch carries and the live status of the licences behind it. */
        brand: BrandClaimDisplay | null;
      }
  );

/**
 * Verifies a batch the way an outsider would: it builds the batch's public proof bundle and
 * examines it against the chain with the same code as `npm run verify-bundle`, so the verdict on
 * the bundle the service serves is the service's verdict: recalls come from recalling events,
 * certifications from certifying events (signed typed data, coverage by hashed origin), never from
 * batch statuses or stored certification fields (issue 13, findings 2 and 6). The one addition is
 * the licences behind a brand claim, which a bundle does not carry yet. One instance per process
 * keeps the caches: Merkle trees and records of anchored windows, the window of the newest root,
 * short-lived chain answers and the examinations of recently verified bundles
 * (examination-cache.ts).
 */
export class BatchVerifier {
  readonly trees: WindowTrees;
  readonly windows: AnchoredWindows;
  readonly reader: ServiceChainReader;
  readonly maps: LedgerMapCache;
  readonly examinations: ExaminationCache;

  /** `trees`: where window trees come from (verification threads ask the event loop's, verify-threads.ts). */
  constructor(
    private readonly deps: VerifierDeps,
    trees?: WindowTrees,
  ) {
    this.trees = trees ?? new WindowTrees(deps.useCaseContext.connection);
    this.reader = new ServiceChainReader(deps.chain);
    this.windows = new AnchoredWindows(deps.useCaseContext.connection, () => this.reader.generation);
    this.maps = new LedgerMapCache(deps.useCaseContext.connection);
    this.examinations = new ExaminationCache(this.reader);
    // Usually a window this process anchored: its ledger map changes are replayed now, not by
    // the next verification.
    onRegistryWrite(deps.chain, () => void this.warm().catch(() => undefined));
  }

  get context(): BundleContext {
    return {
      ...this.deps.useCaseContext,
      chainId: Number(this.deps.chain.chainId),
      registry: this.deps.chain.registryAddress.toLowerCase(),
      publicBaseUrl: this.deps.publicBaseUrl,
      trees: this.trees,
      windows: this.windows,
      maps: this.maps,
      latestWindow: () => this.reader.latestWindow(),
    };
  }

  /**
   * Builds ahead what the next verification would otherwise wait for: the ledger map after the
   * newest window (rebuilding it from the stored entries takes seconds at 1,000,000 events; after
   * each new window it is brought up to date by replaying that window).
   */
  async warm(): Promise<void> {
    await newestLedgerMap(this.context);
  }

  /**
   * What the newest anchored ledger map says about a batch the service cannot find: a key it still
   * holds means the batch's records were deleted (null: the map does not know it either).
   */
  async missingBatchEvidence(
    asked: { batchId: string } | { gtin: string; lot: string },
  ): Promise<CompletenessEvidence | null> {
    const window = await this.maps.store.latestAnchored();
    if (!window) return null;
    const { map } = await this.maps.mapAfter(window);
    const key = "batchId" in asked ? map.keyOf(asked.batchId) : gs1LedgerKey(asked.gtin, asked.lot);
    const entry = key ? map.get(key) : undefined;
    return deletedLedgerEvidence(
      "batchId" in asked ? `batch ${asked.batchId}` : `GTIN ${asked.gtin} lot ${asked.lot}`,
      entry ? { seq: entry.seq, headHash: entry.headHash, windowIndex: window.windowIndex ?? 0 } : null,
    );
  }

  /**
   * The verdict on the batch with this public id (decision 0020). An unknown public id is simply
   * unknown: unlike an ObjectId, it cannot be looked up in the ledger map to tell a deleted batch.
   */
  async verifyPublic(publicId: string): Promise<BatchVerification> {
    const batch = await findBatchByPublicId(this.deps.useCaseContext, publicId);
    if (batch) return this.verify(batch._id.toHexString(), batch);
    return {
      ...decideVerdict({
        found: false,
        reason: `no batch has the public id ${publicId}`,
        completeness: null,
      }),
      batchId: publicId,
      checkedAt: this.deps.useCaseContext.now().toISOString(),
      found: false,
    };
  }

  /**
   * `known`: the batch when the caller has just read it (saves a lookup). `scans`: the scan log of
   * the item serial in hand, for the consumer page of an item link.
   */
  async verify(batchId: string, known?: BatchDoc, scans?: ScanEvidence): Promise<BatchVerification> {
    const now = this.deps.useCaseContext.now();
    const checkedAt = now.toISOString();
    let subject = known;
    try {
      subject ??= await findBatch(this.deps.useCaseContext, batchId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return {
        ...decideVerdict({
          found: false,
          reason: `no batch ${batchId} is registered`,
          completeness: await this.missingBatchEvidence({ batchId }),
        }),
        batchId,
        checkedAt,
        found: false,
      };
    }
    const nowSec = Math.floor(now.getTime() / 1000);
    const records = await collectBatchRecords(this.context, subject);
    const [{ evidence, onChain, certifications }, brand] = await Promise.all([
      this.examinations.examine(records.bundle, nowSec),
      liveBrandClaim(this.deps.useCaseContext.connection, records, this.deps.publicBaseUrl),
    ]);
    return {
      ...decideVerdict(
        evidence.found
          ? { ...evidence, ...(brand ? { licences: brand.evidence } : {}), ...(scans ? { scans } : {}) }
          : evidence,
      ),
      batchId,
      checkedAt,
      found: true,
      records,
      onChain,
      certifications: await withStatusChanges(certificationDisplays(certifications, batchId), this.reader),
      brand: brand?.display ?? null,
    };
  }

  /** The public proof bundle of a batch, or with the openings `viewer` may see (a full bundle). */
  async bundle(batchId: string, viewer?: { orgId: string; seesAll: boolean }): Promise<ProofBundle> {
    const subject = await findBatch(this.deps.useCaseContext, batchId);
    const { bundle } = await collectBatchRecords(
      this.context,
      subject,
      viewer ? { openingsFor: viewer } : {},
    );
    return bundle;
  }
}

/** What `GET /api/verify/:publicId` answers, wherever the verification ran (verify-threads.ts). */
export interface VerifyAnswer {
  status: 200 | 404;
  body: {
    publicId: string;
    batchId: string | null;
    verdict: BatchVerification["verdict"];
    checks: BatchVerification["checks"];
    checkedAt: string;
  };
}

export function verifyAnswer(publicId: string, verification: BatchVerification): VerifyAnswer {
  return {
    status: verification.found ? 200 : 404,
    body: {
      publicId,
      batchId: verification.found ? verification.batchId : null,
      verdict: verification.verdict,
      checks: verification.checks,
      checkedAt: verification.checkedAt,
    },
  };
}

const verifiers = new WeakMap<object, Map<string, BatchVerifier>>();

/** The process's verifier for these dependencies (one per append context and public URL). */
export function verifierFor(deps: VerifierDeps): BatchVerifier {
  let byUrl = verifiers.get(deps.useCaseContext);
  if (!byUrl) {
    byUrl = new Map();
    verifiers.set(deps.useCaseContext, byUrl);
  }
  let verifier = byUrl.get(deps.publicBaseUrl);
  if (!verifier) {
    verifier = new BatchVerifier(deps);
    byUrl.set(deps.publicBaseUrl, verifier);
  }
  return verifier;
}

/**
 * The batch a GS1 key names: GTIN + lot. Lots are unique per producer and product, so two
 * producers could in principle share one GTIN + lot; such a key is ambiguous and resolves to none.
 */
export async function resolveBatchKey(
  ctx: UseCaseContext,
  key: { gtin: string; lot?: string },
): Promise<{ batch: BatchDoc } | { batch: null; reason: string }> {
  if (key.lot === undefined)
    return { batch: null, reason: `GTIN ${key.gtin} names a product, not a batch: the link has no lot (10)` };
  const batches = await new BatchRepository(ctx.connection).withGtinAndLot(key.gtin, key.lot, 2);
  if (batches.length === 0)
    return { batch: null, reason: `no batch with GTIN ${key.gtin} and lot ${key.lot} is registered` };
  if (batches.length > 1)
    return { batch: null, reason: `GTIN ${key.gtin} and lot ${key.lot} name more than one batch` };
  return { batch: batches[0] };
}
