import { Router } from "express";
import { Types } from "mongoose";
import type { z } from "zod";
import { batchModel, type BatchDoc } from "../../batches/data/batch.model";
import { certificationModel } from "../../certifications/data/certification.model";
import type { AuditRunDoc } from "../data/audit-run.model";
import { brandModel, type BrandDoc } from "../../brands/data/brand.model";
import { ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from "../../../platform/errors";
import type { AuditContext } from "../audit-batches";
import { auditBatchRecord } from "../audit-batch";
import { verifierFor } from "../../verification/verify";
import { verifierDeps } from "../../verification/http/verify.routes";
import { auditRunView, findAuditRun, startAuditRun } from "../audit-runs";
import { mayOverseeBrand } from "../../brands/licences";
import { renderAuditCsv, renderAuditHtml } from "../web/audit-report";
import { PAGE_CSP } from "../../../platform/web/html";
import type { AppDeps } from "../../../main/app";
import { actorOf, canSeeAll, type Actor } from "../../organizations/http/auth.middleware";
import type { RouteRegistry } from "../../../platform/http/route-registry";
import { auditBatchParams, auditBatchQuery, auditRunParams, createAuditRunBody } from "./audit.schemas";
import { validated } from "../../../platform/http/validation";

const ROLES = ["auditor", "certifier", "admin"] as const;
/** Runs are also for brand owners, over their own brand (scope.brandId). */
const RUN_ROLES = [...ROLES, "brand_owner"] as const;

/**
 * Independent audit (decision 0009): per-batch records and background runs over a scope. Admins
 * and auditors audit anything; a certifier audits the batches and producers its own
 * certifications name (a batch subject, or a producer / plot subject's organization); a brand
 * owner runs audits of its own brand (its batches and its licence register).
 */
export function auditRoutes(deps: AppDeps, registry: RouteRegistry): Router {
  const router = Router();
  const ctx: AuditContext & { logger: AppDeps["logger"] } = {
    connection: deps.connection,
    chain: deps.chain,
    now: deps.useCaseContext.now,
    logger: deps.logger,
  };
  const tag = "audit";

  /** Whether the certifier `actor` issued a certification naming the batch or the producer. */
  async function certifies(actor: Actor, subjects: string[]): Promise<boolean> {
    const found = await certificationModel(deps.connection).collection.findOne({
      certifierOrgId: new Types.ObjectId(actor.orgId),
      subjectId: { $in: subjects },
    });
    return found !== null;
  }

  registry.define(
    router,
    {
      method: "get",
      path: "/api/audit/batches/:id",
      summary:
        "Audit one batch: every event's recomputed hash, hash-chain link, Merkle inclusion and on-chain anchoring time; certification signatures; findings",
      tag,
      access: { roles: ROLES },
      params: auditBatchParams,
      query: auditBatchQuery,
      responses: {
        200: "{ batch, verdict, publicVerdict: { verdict, checks }, events, certifications, findings }",
        403: "certifier without a certification of this batch",
        404: "no such batch",
      },
    },
    async (_req, res) => {
      const { params, query } = validated<z.infer<typeof auditBatchParams>, z.infer<typeof auditBatchQuery>>(
        res,
      );
      const actor = actorOf(res);
      if (!canSeeAll(actor)) {
        const batch = await batchModel(deps.connection)
          .findById(params.id, { producerId: 1 })
          .lean<BatchDoc>();
        if (!batch) throw new NotFoundError("batch", params.id);
        if (!(await certifies(actor, [params.id, batch.producerId.toHexString()]))) {
          throw new ForbiddenError(
            "a certifier may audit only batches and producers its own certifications name",
          );
        }
      }
      const verifier = verifierFor(verifierDeps(deps));
      res.json(await auditBatchRecord(ctx, params.id, query, (id) => verifier.verify(id)));
    },
  );

  /** A brand scope: the brand must exist; its owner, auditors and admins may audit it. */
  async function assertMayAuditBrand(actor: Actor, brandId: string): Promise<void> {
    const brand = await brandModel(deps.connection).findById(brandId, { ownerId: 1 }).lean<BrandDoc>();
    if (!brand) throw ValidationError.forField("body.scope.brandId", "is not a registered brand", 422);
    if (mayOverseeBrand(actor, brand)) return;
    throw new ForbiddenError("only the brand's owner, auditors and admins can audit a brand");
  }

  registry.define(
    router,
    {
      method: "post",
      path: "/api/audit/runs",
      summary:
        "Start a background audit over a scope ({ orgId?, brandId?, from?, to? } of batch registration; empty = everything; brandId adds the brand's licence register); poll GET /api/audit/runs/:id",
      tag,
      access: { roles: RUN_ROLES },
      body: createAuditRunBody,
      responses: {
        202: "the queued run with its progress URL",
        403: "a certifier must give scope.orgId of a producer it certifies; a brand owner scope.brandId of its brand",
        422: "scope.brandId is not a registered brand",
      },
    },
    async (_req, res) => {
      const { body } = validated<unknown, unknown, z.infer<typeof createAuditRunBody>>(res);
      const actor = actorOf(res);
      const scope = body.scope;
      if (scope.brandId !== undefined) {
        await assertMayAuditBrand(actor, scope.brandId);
      } else if (!canSeeAll(actor)) {
        if (!actor.roles.includes("certifier")) {
          throw new ForbiddenError("a brand owner may audit only its own brand: give scope.brandId");
        }
        if (!scope.orgId) throw new ForbiddenError("a certifier must limit an audit run to scope.orgId");
        const batchIds = (
          await batchModel(deps.connection)
            .collection.find({ producerId: new Types.ObjectId(scope.orgId) }, { projection: { _id: 1 } })
            .toArray()
        ).map((doc) => String(doc._id));
        if (!(await certifies(actor, [scope.orgId, ...batchIds]))) {
          throw new ForbiddenError("a certifier may audit only producers its own certifications name");
        }
      }
      const run = await startAuditRun(ctx, {
        scope,
        unanchoredAfterSec: body.unanchoredAfterSec,
        requestedBy: actor.orgId,
      });
      res.status(202).location(`/api/audit/runs/${run._id.toHexString()}`).json(auditRunView(run));
    },
  );

  /** A run, if the caller may see it (admins and auditors: all; others: their own). */
  async function visibleRun(res: { locals: Record<string, unknown> }): Promise<AuditRunDoc> {
    const { params } = validated<z.infer<typeof auditRunParams>>(res);
    const run = await findAuditRun(ctx, params.id);
    const actor = actorOf(res);
    if (!canSeeAll(actor) && run.requestedBy.toHexString() !== actor.orgId)
      throw new NotFoundError("audit run", params.id);
    return run;
  }

  function assertDone(run: AuditRunDoc): void {
    if (run.state !== "done") {
      throw new UnprocessableError(
        "AUDIT_NOT_DONE",
        `audit run ${run._id.toHexString()} is ${run.state}; its report is not ready`,
        {
          state: run.state,
          progress: run.progress,
        },
      );
    }
  }

  const runRoute = (path: string, summary: string, responses: Record<number, string>) => ({
    method: "get" as const,
    path,
    summary,
    tag,
    access: { roles: RUN_ROLES },
    params: auditRunParams,
    responses: { ...responses, 404: "no such run (or not yours)" },
  });

  registry.define(
    router,
    runRoute("/api/audit/runs/:id", "An audit run: state and progress", {
      200: "{ id, state, progress, findingsCount, countsByKind, report }",
    }),
    async (_req, res) => {
      res.json(auditRunView(await visibleRun(res)));
    },
  );

  registry.define(
    router,
    runRoute("/api/audit/runs/:id/report.json", "The report of a finished run as JSON", {
      200: "{ run, findings }",
      422: "AUDIT_NOT_DONE",
    }),
    async (_req, res) => {
      const run = await visibleRun(res);
      assertDone(run);
      res.json({ run: auditRunView(run), findings: run.findings });
    },
  );

  registry.define(
    router,
    runRoute("/api/audit/runs/:id/report.csv", "The findings of a finished run as CSV", {
      200: "text/csv",
      422: "AUDIT_NOT_DONE",
    }),
    async (_req, res) => {
      const run = await visibleRun(res);
      assertDone(run);
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
    async (_req, res) => {
      const run = await visibleRun(res);
      assertDone(run);
      res.setHeader("content-security-policy", PAGE_CSP);
      res.type("html").send(renderAuditHtml(run));
    },
  );

  return router;
}
