import { Router } from "express";
import type { AuditContext } from "../audit-batches";
import { auditBatchRecord } from "../audit-batch";
import { verifierFor, verifierDeps } from "../../verification";
import {
  assertAuditRunDone,
  auditRunView,
  findVisibleAuditRun,
  listAuditRuns,
  startAuditRun,
} from "../audit-runs";
import { assertMayAuditBatch, assertMayStartAuditRun } from "../audit-policy";
import { renderAuditCsv, renderAuditHtml } from "../web/audit-report";
import { PAGE_CSP } from "../../../platform/web/html";
import { ANOMALY_LABELS } from "../../brand-reports";
import { brandAuditPage } from "../brand-audit-page";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import {
  auditBatchParams,
  auditBatchQuery,
  auditRunParams,
  createAuditRunBody,
  listAuditRunsQuery,
} from "./audit.schemas";

const ROLES = ["auditor", "certifier", "admin"] as const;
/** Runs are also for brand owners, over their own brand (scope.brandId). */
const RUN_ROLES = [...ROLES, "brand_owner"] as const;

/**
 * Independent audit (decision 0009): per-batch records and background runs over a scope. Admins
 * and auditors audit anything; a certifier audits the batches and producers its own
 * certifications name (a batch subject, or a producer / plot subject's organization); a brand
 * owner runs audits of its own brand (its batches and its licence register).
 */
export function auditRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx: AuditContext & { logger: HttpDeps["logger"] } = {
    connection: deps.connection,
    chain: deps.chain,
    now: deps.useCaseContext.now,
    logger: deps.logger,
  };
  const tag = "audit";

  registry.define(
    router,
    {
      method: "get",
      path: "/api/audit/batches/:id",
      summary:
        "Audit one batch: every event's recomputed hash, hash-chain link, Merkle inclusion and on-chain anchoring time; certification signatures; findings",
      tag,
      access: { roles: ROLES, others: "forbidden" },
      resource: "batch",
      params: auditBatchParams,
      query: auditBatchQuery,
      responses: {
        200: "{ batch, verdict, publicVerdict: { verdict, checks }, events, certifications, findings }",
        403: "certifier without a certification of this batch",
        404: "no such batch",
      },
    },
    async (req, res) => {
      const { params, query } = req;
      await assertMayAuditBatch(deps.connection, actorOf(res), params.id);
      const verifier = verifierFor(verifierDeps(deps));
      res.json(await auditBatchRecord(ctx, params.id, query, (id) => verifier.verify(id)));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/audit/runs",
      summary:
        "Start a background audit over a scope ({ orgId?, brandId?, regionCode? (GB/T 2260 prefix: 2, 4 or 6 digits), from?, to? } of batch registration; empty = everything; brandId adds the brand's licence register); poll GET /api/audit/runs/:id",
      tag,
      access: { roles: RUN_ROLES, others: "none" },
      body: createAuditRunBody,
      responses: {
        202: "the queued run with its progress URL",
        403: "a certifier must give scope.orgId of a producer it certifies; a brand owner scope.brandId of its brand",
        422: "scope.brandId is not a registered brand",
      },
    },
    async (req, res) => {
      const { body } = req;
      const actor = actorOf(res);
      const scope = body.scope;
      await assertMayStartAuditRun(deps.connection, actor, scope);
      const run = await startAuditRun(ctx, {
        scope,
        unanchoredAfterSec: body.unanchoredAfterSec,
        requestedBy: actor.orgId,
      });
      res.status(202).location(`/api/audit/runs/${run._id.toHexString()}`).json(auditRunView(run));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/audit/runs",
      summary:
        "Audit runs newest first, without their findings: the caller's own (every organization's for auditors and admins)",
      tag,
      access: { roles: RUN_ROLES, others: "none" },
      query: listAuditRunsQuery,
      responses: { 200: "{ items }: runs as GET /api/audit/runs/:id shows them" },
    },
    async (req, res) => {
      const { query } = req;
      const runs = await listAuditRuns(ctx, actorOf(res), query.limit);
      res.json({ items: runs.map(auditRunView) });
    },
  );

  const runRoute = (path: string, summary: string, responses: Record<number, string>) => ({
    method: "get" as const,
    path,
    summary,
    tag,
    access: { roles: RUN_ROLES, others: "hidden" as const },
    resource: "audit-run",
    params: auditRunParams,
    responses: { ...responses, 404: "no such run (or not yours)" },
  });

  registry.define(
    router,
    runRoute("/api/audit/runs/:id", "An audit run: state and progress", {
      200: "{ id, state, progress, findingsCount, countsByKind, report }",
    }),
    async (req, res) => {
      res.json(auditRunView(await findVisibleAuditRun(ctx, actorOf(res), req.params.id)));
    },
  );

  registry.define(
    router,
    runRoute("/api/audit/runs/:id/report.json", "The report of a finished run as JSON", {
      200: "{ run, findings }",
      422: "AUDIT_NOT_DONE",
    }),
    async (req, res) => {
      const run = await findVisibleAuditRun(ctx, actorOf(res), req.params.id);
      assertAuditRunDone(run);
      res.json({ run: auditRunView(run), findings: run.findings });
    },
  );

  registry.define(
    router,
    runRoute("/api/audit/runs/:id/report.csv", "The findings of a finished run as CSV", {
      200: "text/csv",
      422: "AUDIT_NOT_DONE",
    }),
    async (req, res) => {
      const run = await findVisibleAuditRun(ctx, actorOf(res), req.params.id);
      assertAuditRunDone(run);
      res
        .type("text/csv; charset=utf-8")
        .attachment(`audit-${run._id.toHexString()}.csv`)
        .send(renderAuditCsv(run.findings));
    },
  );

  registry.define(
    router,
    runRoute(
      "/api/audit/runs/:id/report.html",
      "The report of a finished run as an HTML page (zh-CN / English)",
      { 200: "text/html", 422: "AUDIT_NOT_DONE" },
    ),
    async (req, res) => {
      const run = await findVisibleAuditRun(ctx, actorOf(res), req.params.id);
      assertAuditRunDone(run);
      // A brand's audit page names the brand report's high anomalies next to its conclusion.
      const brandId = run.scope?.brandId;
      const context = brandId
        ? {
            highAnomalies: (await brandAuditPage(ctx, brandId)).highAnomalies,
            anomalyLabel: (kind: string) =>
              ANOMALY_LABELS[kind as keyof typeof ANOMALY_LABELS] ?? { zh: kind, en: kind },
          }
        : undefined;
      res.setHeader("content-security-policy", PAGE_CSP);
      res.type("html").send(renderAuditHtml(run, context));
    },
  );

  return router;
}
