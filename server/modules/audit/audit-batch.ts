import { BatchRepository } from "../batches";
import { NotFoundError } from "../../platform/errors";
import type { VerdictResult } from "../verification";
import {
  AuditReads,
  auditBatches,
  auditCertifications,
  certificationsNaming,
  eventsOf,
  type AuditContext,
} from "./audit-batches";

/**
 * The full audit record of one batch: every stored event with its recomputed hash, hash-chain
 * link check, Merkle inclusion check and on-chain anchoring time; the certifications naming the
 * batch or its producer with their signature check; the findings; and `publicVerdict`, the
 * verdict consumers, `/api/verify` and `npm run verify-bundle` reach, by the same function on
 * the same bundle (`judge`), so an auditor sees what the public sees next to what is stored.
 */
export async function auditBatchRecord(
  ctx: AuditContext,
  batchId: string,
  options: { unanchoredAfterSec: number },
  judge: (batchId: string) => Promise<VerdictResult>,
) {
  const batch = await new BatchRepository(ctx.connection).findById(batchId);
  if (!batch) throw new NotFoundError("batch", batchId);
  const reads = new AuditReads(ctx);
  const [audit] = await auditBatches(ctx, reads, [batch], options);
  const events = (await eventsOf(ctx.connection, [batch._id])).get(batchId) ?? [];
  const byId = new Map(events.map((event) => [event.id, event]));
  const certifications = await certificationsNaming(ctx.connection, batch);
  const certificationFindings = auditCertifications(certifications);
  const findings = [...audit.findings, ...certificationFindings];
  const { verdict: publicVerdict, checks } = await judge(batchId);
  return {
    batch: {
      id: batchId,
      producerId: batch.producerId.toHexString(),
      product: batch.product,
      lot: batch.lot,
      head: { seq: batch.head.seq, hash: batch.head.hash },
    },
    auditedAt: ctx.now().toISOString(),
    unanchoredAfterSec: options.unanchoredAfterSec,
    verdict: findings.length === 0 ? "clean" : "discrepancies",
    publicVerdict: { verdict: publicVerdict, checks },
    events: audit.checks.map((check) => {
      const event = byId.get(check.eventId)!;
      return {
        ...check,
        type: event.type,
        eventTime: new Date(event.eventTime).toISOString(),
        prevHash: event.body.prevHash ?? null,
        anchor: event.anchor,
        body: event.body,
      };
    }),
    certifications: certifications.map((doc) => {
      const id = doc._id.toHexString();
      return {
        id,
        certHash: doc.certHash,
        certifier: doc.certifier,
        scheme: doc.scheme,
        certificateNumber: doc.certificateNumber,
        subject: { kind: doc.subjectKind, id: doc.subjectId },
        signatureOk: !certificationFindings.some((finding) => finding.certificationId === id),
      };
    }),
    findings,
  };
}
