import { Types } from "mongoose";
import type { AuditRunDoc } from "./data/audit-run.model";
import { AuditRunRepository } from "./data/audit-run.repository";
import { CertificationRepository } from "../certifications";
import { AUDIT_MAX_STORED_FINDINGS, type AuditScope } from "./domain/audit-run";
import { BatchRepository } from "../batches";
import type { Finding } from "./domain/audit";
import { NotFoundError, UnprocessableError } from "../../platform/errors";
import type { Actor } from "../organizations";
import { mayReadAuditRun } from "./audit-policy";
import { canSeeAll } from "../organizations";
import type { Logger } from "../../platform/logger";
import { AuditReads, auditBatches, auditCertifications, type AuditContext } from "./audit-batches";
import { AUDITABLE_BATCH_FIELDS, type AuditableBatch } from "./audit-documents";
import { auditWindowLeaves } from "./audit-windows";
import { WindowStore } from "../anchoring";
import { auditBrandRegister } from "./audit-brand";
import { AnchoredHeadAudit, auditLedgerMapRoot } from "./audit-anchored-heads";

/** Batches audited per step; progress is written after each step. */
export const AUDIT_CHUNK_BATCHES = 100;

export interface AuditRunContext extends AuditContext {
  logger?: Logger;
}

/** Creates a queued run and starts it in this process (in chunks, yielding between them). */
export async function startAuditRun(
  ctx: AuditRunContext,
  input: { scope: AuditScope; unanchoredAfterSec: number; requestedBy: string },
): Promise<AuditRunDoc> {
  const run = await createAuditRun(ctx, input);
  setImmediate(() => {
    executeAuditRun(ctx, run).catch((error: unknown) => {
      ctx.logger?.error({ err: error, auditRunId: run._id.toHexString() }, "audit run failed");
      void new AuditRunRepository(ctx.connection)
        .fail(run._id, (error as Error).message, ctx.now())
        .catch(() => undefined);
    });
  });
  return run;
}

/** Stores a queued run (not started). */
export async function createAuditRun(
  ctx: AuditRunContext,
  input: { scope: AuditScope; unanchoredAfterSec: number; requestedBy: string },
): Promise<AuditRunDoc> {
  const now = ctx.now();
  const run: AuditRunDoc = {
    _id: new Types.ObjectId(),
    scope: input.scope,
    unanchoredAfterSec: input.unanchoredAfterSec,
    requestedBy: new Types.ObjectId(input.requestedBy),
    state: "queued",
    progress: { checkedBatches: 0, totalBatches: 0, checkedEvents: 0 },
    findingsCount: 0,
    countsByKind: {},
    findings: [],
    findingsTruncated: false,
    certificationsChecked: 0,
    error: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  };
  await new AuditRunRepository(ctx.connection).insert(run);
  return run;
}

/**
 * Runs an audit to the end: batches of the scope in id order, `AUDIT_CHUNK_BATCHES` at a time,
 * then, for a brand scope, the brand's licence register chain, then the ledgers the anchoring map
 * holds (every one, and the map's root, for an unscoped run), then the certifications naming
 * those batches or their producers (all of them for an unscoped run). Returns the finished run. Exported so a benchmark or CLI can run it in the foreground.
 */
export async function executeAuditRun(
  ctx: AuditRunContext,
  run: AuditRunDoc,
  chunkBatches = AUDIT_CHUNK_BATCHES,
): Promise<AuditRunDoc> {
  const runs = new AuditRunRepository(ctx.connection);
  const { orgId, brandId, regionCode, from, to } = run.scope;
  const all = await new BatchRepository(ctx.connection).headsWhere<AuditableBatch>(
    { producerId: orgId, brandId, regionCode, from, to },
    AUDITABLE_BATCH_FIELDS,
  );
  all.sort((a, b) => Buffer.compare(a._id.id, b._id.id));
  const ids = all.map((batch) => batch._id);
  const scoped = Boolean(orgId || brandId || regionCode || from || to);
  // The anchored heads of the scope's ledgers; of every ledger in an unscoped run. Only an unscoped
  // run sees a deleted batch: once its document and events are gone nothing stored says which
  // producer or brand it belonged to, and unscoped runs are for admins and auditors only
  // (assertMayStartAuditRun), who may see every batch.
  const anchoredHeads = await AnchoredHeadAudit.read(
    ctx.connection,
    scoped ? [...ids.map((id) => id.toHexString()), ...(brandId ? [brandId] : [])] : undefined,
  );
  const progress = { checkedBatches: 0, totalBatches: ids.length, checkedEvents: 0 };
  await runs.start(run._id, progress, ctx.now());
  const reads = new AuditReads(ctx);
  const findings: Finding[] = [];
  const producers = new Set<string>();
  for (let start = 0; start < ids.length; start += chunkBatches) {
    const chunk = all.slice(start, start + chunkBatches);
    for (const batch of chunk) producers.add(batch.producerId.toHexString());
    const audits = await auditBatches(ctx, reads, chunk, { unanchoredAfterSec: run.unanchoredAfterSec });
    for (const [index, audit] of audits.entries()) {
      findings.push(...audit.findings);
      progress.checkedEvents += audit.checks.length;
      findings.push(
        ...(await anchoredHeads.checkAudited(audit.batchId, chunk[index].head?.seq ?? null, audit.checks)),
      );
    }
    progress.checkedBatches += chunk.length;
    await runs.saveProgress(run._id, progress, ctx.now());
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (run.scope.brandId) {
    const register = await auditBrandRegister(ctx, reads, run.scope.brandId, {
      unanchoredAfterSec: run.unanchoredAfterSec,
    });
    if (register) {
      findings.push(...register.findings);
      progress.checkedEvents += register.checks.length;
      findings.push(...(await anchoredHeads.checkAudited(register.batchId, null, register.checks)));
    }
  }
  // Ledgers not audited above: deleted batches and brands, and (unscoped) every brand register.
  findings.push(...(await anchoredHeads.checkRest()));
  if (!scoped) findings.push(...(await auditLedgerMapRoot(ctx)));
  // Every window of an unscoped run; the windows the audited events are anchored in otherwise.
  const windowIds = !scoped ? await new WindowStore(ctx.connection).idsWithRoot() : reads.windowIds();
  findings.push(...(await auditWindowLeaves(ctx.connection, windowIds)));
  const subjects = [...ids.map((id) => id.toHexString()), ...producers];
  const certifications = await new CertificationRepository(ctx.connection).naming(
    scoped ? subjects : undefined,
  );
  findings.push(...auditCertifications(certifications));
  const countsByKind: Record<string, number> = {};
  for (const finding of findings) countsByKind[finding.kind] = (countsByKind[finding.kind] ?? 0) + 1;
  const finished = {
    state: "done" as const,
    progress,
    findingsCount: findings.length,
    countsByKind,
    findings: findings.slice(0, AUDIT_MAX_STORED_FINDINGS),
    findingsTruncated: findings.length > AUDIT_MAX_STORED_FINDINGS,
    certificationsChecked: certifications.length,
    finishedAt: ctx.now(),
    updatedAt: ctx.now(),
  };
  await runs.finish(run._id, finished);
  return { ...run, ...finished };
}

export async function findAuditRun(ctx: AuditContext, id: string): Promise<AuditRunDoc> {
  const run = await new AuditRunRepository(ctx.connection).findById(id);
  if (!run) throw new NotFoundError("audit run", id);
  return run;
}

/** The newest runs the actor may read: every organization's for admins and auditors, else its own. */
export async function listAuditRuns(ctx: AuditContext, actor: Actor, limit: number): Promise<AuditRunDoc[]> {
  return new AuditRunRepository(ctx.connection).newest(canSeeAll(actor) ? undefined : actor.orgId, limit);
}

/** A run the actor may read (see mayReadAuditRun); one it may not read is as good as absent. */
export async function findVisibleAuditRun(ctx: AuditContext, actor: Actor, id: string): Promise<AuditRunDoc> {
  const run = await findAuditRun(ctx, id);
  if (!mayReadAuditRun(actor, run)) throw new NotFoundError("audit run", id);
  return run;
}

/** A run's report exists once the run is done (422 AUDIT_NOT_DONE before). */
export function assertAuditRunDone(run: AuditRunDoc): void {
  if (run.state !== "done") {
    throw new UnprocessableError(
      "AUDIT_NOT_DONE",
      `audit run ${run._id.toHexString()} is ${run.state}; its report is not ready`,
      { state: run.state, progress: run.progress },
    );
  }
}

/** The run without its findings (progress polling). */
export function auditRunView(run: AuditRunDoc) {
  const id = run._id.toHexString();
  return {
    id,
    scope: run.scope,
    unanchoredAfterSec: run.unanchoredAfterSec,
    state: run.state,
    progress: run.progress,
    findingsCount: run.findingsCount,
    countsByKind: run.countsByKind,
    findingsTruncated: run.findingsTruncated,
    certificationsChecked: run.certificationsChecked,
    error: run.error,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    report:
      run.state === "done"
        ? {
            json: `/api/audit/runs/${id}/report.json`,
            csv: `/api/audit/runs/${id}/report.csv`,
            html: `/api/audit/runs/${id}/report.html`,
          }
        : null,
  };
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
