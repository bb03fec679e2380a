import { Router } from "express";
import {
  ANOMALY_LABELS,
  refuseBrandPage,
  sendBrandPage,
  signedLinkAccess,
  type BrandPageAccess,
} from "../../brand-reports";
import { pickLanguage, renderDocument } from "../../consumer";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { escapeHtml as e } from "../../../platform/web/html";
import { brandAuditPage } from "../brand-audit-page";
import { renderAuditHtml, type AuditPageContext } from "../web/audit-report";
import { brandAuditPageParams, brandAuditPageQuery } from "./audit.schemas";

/**
 * The brand audit as a page a brand officer opens from a signed link (POST
 * /api/brands/:id/page-links): the newest finished audit of the brand, with the brand report's high
 * anomalies next to its conclusion.
 */
export function brandAuditPageRoutes(
  deps: HttpDeps,
  registry: ApiRegistry,
  access: BrandPageAccess = signedLinkAccess(deps.useCaseContext),
): Router {
  const router = Router();
  registry.define(
    router,
    {
      method: "get",
      path: "/brands/:id/audit",
      summary: "The brand's newest audit as a page, with the brand report's high anomalies (signed link)",
      tag: "audit",
      access: "public",
      params: brandAuditPageParams,
      query: brandAuditPageQuery,
      responses: { 200: "text/html", 403: "the link is not valid or has expired" },
    },
    async (req, res) => {
      const lang = pickLanguage(req.query.lang, req.get("accept-language"));
      if (!(await access.mayOpen({ path: req.path, query: req.query }))) return refuseBrandPage(res, lang);
      const page = await brandAuditPage(deps.useCaseContext, req.params.id);
      const context: AuditPageContext = {
        highAnomalies: page.highAnomalies,
        anomalyLabel: (kind) => ANOMALY_LABELS[kind as keyof typeof ANOMALY_LABELS] ?? { zh: kind, en: kind },
      };
      if (page.run) return sendBrandPage(res, lang, renderAuditHtml(page.run, context));
      const title = `${page.brand.name.zh} · 品牌审计`;
      const body = `<header><h1>${e(title)}</h1></header>
<section data-testid="no-audit"><p>尚未完成过本品牌的审计：请品牌方在控制台或通过 POST /api/audit/runs（scope.brandId）发起。</p>
<p lang="en">No audit of this brand has finished yet: start one with POST /api/audit/runs (scope.brandId).</p>
<p>品牌报告中的高风险异常 / High anomalies in the brand report: ${page.highAnomalies.length}</p></section>`;
      sendBrandPage(res, lang, renderDocument({ lang, title, selfPath: req.path, body }));
    },
  );
  return router;
}
