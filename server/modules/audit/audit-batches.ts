import { Types, type Connection } from "mongoose";
import { unpackLeaves, WindowStore, withWindowAnchors } from "../anchoring";
import type { ChainClient } from "../../platform/evm/chain-client";
import type { BatchDoc } from "../batches";
import {
  CertificationRepository,
  type CertificationDoc,
  computeCertHash,
  recoverCertificationSigner,
} from "../certifications";
import { TraceEventRepository, type TraceEventDoc } from "../ledger";
import {
  checkCertification,
  checkCertificationCopies,
  checkEventContent,
  checkLedgerLinks,
  checkInclusion,
  type AuditedEvent,
  type AuditedWindow,
  type ChainAnchor,
  type LedgerKind,
  type EventCheck,
  type Finding,
} from "./domain/audit";
import { buildMerkleTree } from "../../platform/crypto/merkle";
import { auditDocuments, type AuditableBatch } from "./audit-documents";

export interface AuditContext {
  connection: Connection;
  chain: ChainClient;
  now(): Date;
}

export interface AuditOptions {
  /** Events older than this (by their hashed recordTime) and not anchored are reported. */
  unanchoredAfterSec: number;
  /** The kind of chain audited (default: batches; "brand" for a brand's licence register). */
  chain?: LedgerKind;
}

/**
 * Memo of what an audit run reads more than once: windows (with their rebuilt trees) and the
 * chain's answer per root. One per run or request, so nothing outlives the audit.
 */
export class AuditReads {
  private readonly windows = new Map<string, Promise<AuditedWindow | undefined>>();
  private readonly anchors = new Map<string, ChainAnchor>();

  constructor(private readonly ctx: AuditContext) {}

  window(windowId: string): Promise<AuditedWindow | undefined> {
    let found = this.windows.get(windowId);
    if (!found) {
      found = this.loadWindow(windowId);
      this.windows.set(windowId, found);
    }
    return found;
  }

  anchorOf = (root: string): ChainAnchor | undefined => this.anchors.get(root);

  /** The windows this run has read (those its events are anchored in). */
  windowIds(): Types.ObjectId[] {
    return [...this.windows.keys()].map((id) => new Types.ObjectId(id));
  }

  /** Reads `anchorOf(root)` for roots not read yet (sequentially: one request each). */
  async readRoots(roots: Iterable<string | null>): Promise<void> {
    for (const root of roots) {
      if (root === null || this.anchors.has(root) || !/^0x[0-9a-f]{64}$/.test(root)) continue;
      const anchor = await this.ctx.chain.registry.anchorOf(root);
      this.anchors.set(root, {
        timestamp: Number(anchor.timestamp),
        blockNumber: Number(anchor.blockNumber),
        leafCount: Number(anchor.leafCount),
      });
    }
  }

  private async loadWindow(windowId: string): Promise<AuditedWindow | undefined> {
    const id = new Types.ObjectId(windowId);
    const store = new WindowStore(this.ctx.connection);
    const doc = await store.find(id);
    if (!doc) return undefined;
    const stored = await store.leavesOf(id);
    const leaves = stored ? unpackLeaves(stored.leaves) : null;
    let rebuiltRoot: string | null = null;
    if (leaves && leaves.length > 0) {
      try {
        rebuiltRoot = buildMerkleTree(leaves).root;
      } catch {
        rebuiltRoot = null;
      }
    }
    return { id: windowId, storedRoot: doc.root, leaves, rebuiltRoot };
  }
}

export interface BatchAudit {
  batchId: string;
  checks: EventCheck[];
  findings: Finding[];
}

export function toAuditedEvent(doc: TraceEventDoc): AuditedEvent {
  return {
    id: doc._id.toHexString(),
    batchId: String(doc.batchId),
    seq: doc.seq,
    type: doc.type,
    eventTime: doc.eventTime,
    hash: doc.hash,
    body: (doc.body ?? {}) as Record<string, unknown>,
    anchor: doc.anchor
      ? {
          windowId: String(doc.anchor.windowId),
          root: doc.anchor.root ?? null,
          leafIndex: doc.anchor.leafIndex ?? null,
        }
      : null,
  };
}

/**
 * Stored events of the given batches, grouped by batch id. Read as one id range (an index range
 * on MongoDB; on the embedded engine a range test per document is far cheaper than `$in` over
 * hundreds of ids), keeping only the batches asked for.
 */
export async function eventsOf(
  connection: Connection,
  batchIds: Types.ObjectId[],
): Promise<Map<string, AuditedEvent[]>> {
  const grouped = new Map<string, AuditedEvent[]>(batchIds.map((id) => [id.toHexString(), []]));
  if (batchIds.length === 0) return grouped;
  const sorted = [...batchIds].sort((a, b) => Buffer.compare(a.id, b.id));
  const docs = await withWindowAnchors(
    connection,
    await new TraceEventRepository(connection).ofBatchIdRange(sorted),
  );
  for (const doc of docs) grouped.get(String(doc.batchId))?.push(toAuditedEvent(doc));
  return grouped;
}

/**
 * Audits batches from stored content and the chain: every event's hash, chain link and Merkle
 * inclusion (window leaf list, rebuilt root, `anchorOf` on chain). Certifications are separate
 * (`auditCertifications`), since one may cover many batches.
 */
export async function auditBatches(
  ctx: AuditContext,
  reads: AuditReads,
  batches: (Pick<BatchDoc, "_id" | "head"> | AuditableBatch)[],
  options: AuditOptions,
): Promise<BatchAudit[]> {
  const grouped = await eventsOf(
    ctx.connection,
    batches.map((batch) => batch._id),
  );
  const windowIds = new Set<string>();
  for (const events of grouped.values())
    for (const event of events) if (event.anchor?.root) windowIds.add(event.anchor.windowId);
  const windows = new Map<string, AuditedWindow | undefined>();
  for (const id of windowIds) windows.set(id, await reads.window(id));
  const roots = new Set<string | null>();
  for (const window of windows.values())
    roots.add(window?.storedRoot ?? null).add(window?.rebuiltRoot ?? null);
  await reads.readRoots(roots);
  const nowMs = ctx.now().getTime();
  // Batch documents (not brand registers, and only when read in full) against their events.
  const documents = batches.filter((batch): batch is AuditableBatch => "origin" in batch);
  const documentFindings = await auditDocuments(ctx.connection, documents, grouped);
  return batches.map((batch) => {
    const batchId = batch._id.toHexString();
    const events = (grouped.get(batchId) ?? []).sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
    const findings: Finding[] = [];
    const brokenLinks = new Set<string>();
    const chainFindings = checkLedgerLinks(batchId, events, batch.head?.seq ?? null, options.chain);
    for (const finding of chainFindings) if (finding.eventId) brokenLinks.add(finding.eventId);
    const checks = events.map((event): EventCheck => {
      const content = checkEventContent(event, options.chain);
      const window = event.anchor?.root ? windows.get(event.anchor.windowId) : undefined;
      const inclusion = checkInclusion(event, window, reads.anchorOf, {
        nowMs,
        thresholdSec: options.unanchoredAfterSec,
      });
      findings.push(...content.findings, ...inclusion.findings);
      return {
        eventId: event.id,
        seq: event.seq,
        storedHash: event.hash,
        recomputedHash: content.recomputed,
        contentOk: content.recomputed === event.hash,
        linkOk: !brokenLinks.has(event.id),
        inclusion: inclusion.status,
        anchoredAt: inclusion.anchoredAt,
      };
    });
    findings.push(...chainFindings);
    findings.push(...documentFindings.filter((finding) => finding.batchId === batchId));
    return { batchId, checks, findings };
  });
}

/**
 * Re-verifies each certification's EIP-712 signature and certHash from its stored typed data, and
 * its query copies (certifier, scheme, number, subject, validity) against the signed message.
 */
export function auditCertifications(certifications: CertificationDoc[]): Finding[] {
  return certifications.flatMap((doc) => [...signatureFindings(doc), ...copyFindings(doc)]);
}

function copyFindings(doc: CertificationDoc): Finding[] {
  return checkCertificationCopies({
    id: doc._id.toHexString(),
    batchId: doc.subjectKind === "batch" ? doc.subjectId : null,
    copies: {
      certifier: doc.certifier,
      scheme: doc.scheme,
      certificateNumber: doc.certificateNumber,
      subjectKind: doc.subjectKind,
      subjectId: doc.subjectId,
      validFrom: doc.validFrom,
      validUntil: doc.validUntil,
    },
    message: doc.typedData?.message ?? {},
  });
}

function signatureFindings(doc: CertificationDoc): Finding[] {
  const { domain, message } = doc.typedData ?? ({} as CertificationDoc["typedData"]);
  let recovered: { signer: string; certHash: string } | { error: string };
  try {
    recovered = {
      signer: recoverCertificationSigner(domain, message, doc.signature),
      certHash: computeCertHash(domain, message),
    };
  } catch (error) {
    recovered = { error: (error as Error).message.split("(")[0].trim() };
  }
  return checkCertification({
    id: doc._id.toHexString(),
    batchId: doc.subjectKind === "batch" ? doc.subjectId : null,
    certHash: doc.certHash,
    certifier: doc.certifier,
    messageCertifier: String(message?.certifier ?? ""),
    recovered,
  });
}

/** Certifications that name a batch or its producer as subject. */
export async function certificationsNaming(
  connection: Connection,
  batch: Pick<BatchDoc, "_id" | "producerId">,
) {
  return new CertificationRepository(connection).naming([
    batch._id.toHexString(),
    batch.producerId.toHexString(),
  ]);
}
