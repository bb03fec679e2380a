import { Router } from "express";
import { brandReport } from "../compile-brand-report";
import { suspectedCopyRegions } from "../suspected-copy-regions";
import { renderBrandReportCsv } from "../web/brand-report-csv";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { brandReportParams, brandReportQuery } from "./brand-report.schemas";

/** The brand report: quota per licence and anomalies, for the brand's owner, auditors and admins. */
export function brandReportRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  registry.define(
    router,
    {
      method: "get",
      path: "/api/brands/:id/report",
      summary:
        "Quota licensed, used and claimed per licence, and anomalies (quota counter, labels beyond shipped, unknown serial scans, revoked licences still selling, unrecorded licence changes); ?format=csv",
      tag: "brands",
      access: { roles: ["brand_owner", "auditor", "admin"], others: "forbidden" },
      resource: "brand",
      params: brandReportParams,
      query: brandReportQuery,
      responses: {
        200: "{ brand, generatedAt, licences, anomalies, countsByKind } (or text/csv)",
        403: "not the brand's owner, an auditor or an admin",
        404: "no such brand",
      },
    },
    async (req, res) => {
      const { params, query } = req;
      const report = await brandReport(deps.useCaseContext, actorOf(res), params.id, {
        batches: query.batches === "true",
      });
      if (query.format === "csv") {
        res
          .type("text/csv; charset=utf-8")
          .attachment(`brand-report-${params.id}.csv`)
          .send(renderBrandReportCsv(report));
        return;
      }
      res.json(report);
    },
  );
  registry.define(
    router,
    {
      method: "get",
      path: "/api/brands/:id/suspected-copies/regions",
      summary:
        "Per province, the brand's suspected-copy serials scanned there and their scans whose shoppers shared a region (for a scan map)",
      tag: "brands",
      access: { roles: ["brand_owner", "auditor", "admin"], others: "forbidden" },
      resource: "brand",
      params: brandReportParams,
      responses: {
        200: "{ items: [{ code, name, nameEn, serials, scans }] } (2-digit province codes, in code order)",
        403: "not the brand's owner, an auditor or an admin",
        404: "no such brand",
      },
    },
    async (req, res) => {
      res.json(await suspectedCopyRegions(deps.useCaseContext, actorOf(res), req.params.id));
    },
  );
  return router;
}
