import { Router, type Response } from "express";
import { findBrand } from "../../brands";
import { pickLanguage, renderDocument, type Lang } from "../../consumer";
import { actorOf } from "../../organizations";
import { PAGE_CSP, escapeHtml } from "../../../platform/web/html";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import {
  issueBrandPageLinks,
  signedBrandPageLink,
  signedLinkAccess,
  type BrandPageAccess,
} from "../brand-page-links";
import { compileBrandReport } from "../compile-brand-report";
import { renderBrandReportCsv } from "../web/brand-report-csv";
import { renderBrandReportPage } from "../web/brand-report-page";
import { brandPageLinkBody, brandPageLinkParams, signedPageQuery } from "./brand-pages.schemas";

/**
 * Brand officers' pages in a browser: the brand owner (or an auditor, an admin) asks for expiring
 * signed links through the API and hands them on; each opens the brand report as a page (zh-CN
 * first) or its CSV. `access` decides who may open them (signed links today; a console session
 * can be plugged in later).
 */
export function brandOfficerPageRoutes(
  deps: HttpDeps,
  registry: ApiRegistry,
  access: BrandPageAccess = signedLinkAccess(deps.useCaseContext),
): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  registry.define(
    router,
    {
      method: "post",
      path: "/api/brands/:id/page-links",
      summary: "Expiring signed links that open the brand report, its CSV and the brand audit in a browser",
      tag: "brands",
      access: { roles: ["brand_owner", "auditor", "admin"], others: "forbidden" },
      resource: "brand",
      params: brandPageLinkParams,
      body: brandPageLinkBody,
      responses: {
        201: "{ report, report.csv, audit, expiresAt }",
        403: "not the brand's owner, an auditor or an admin",
        404: "no such brand",
      },
    },
    async (req, res) => {
      const links = await issueBrandPageLinks(ctx, actorOf(res), req.params.id, {
        hours: req.body.hours,
        baseUrl: deps.config.PUBLIC_BASE_URL,
      });
      res.status(201).json(links);
    },
  );

  for (const page of ["report", "report.csv"] as const) {
    registry.define(
      router,
      {
        method: "get",
        path: `/brands/:id/${page}`,
        summary:
          page === "report"
            ? "The brand report as a page (signed link from POST /api/brands/:id/page-links)"
            : "The brand report as CSV with a UTF-8 byte order mark and Chinese headers (signed link)",
        tag: "brands",
        access: "public",
        params: brandPageLinkParams,
        query: signedPageQuery,
        responses: {
          200: page === "report" ? "text/html" : "text/csv",
          403: "the link is not valid or has expired",
        },
      },
      async (req, res) => {
        const lang = pickLanguage(req.query.lang, req.get("accept-language"));
        if (!(await access.mayOpen({ path: req.path, query: req.query }))) return refuse(res, lang);
        const brand = await findBrand(ctx, req.params.id);
        const report = await compileBrandReport(ctx, brand, { batches: page === "report.csv" });
        res.setHeader("cache-control", "no-store");
        if (page === "report.csv") {
          res
            .type("text/csv; charset=utf-8")
            .attachment(`brand-report-${req.params.id}.csv`)
            .send(renderBrandReportCsv(report));
          return;
        }
        const expires = Number(req.query.expires);
        const links = {
          self: `${req.path}?expires=${req.query.expires}&sig=${req.query.sig}`,
          csv: await signedBrandPageLink(ctx, req.params.id, "report.csv", expires),
          audit: await signedBrandPageLink(ctx, req.params.id, "audit", expires),
        };
        sendPage(res, lang, renderBrandReportPage(report, lang, links));
      },
    );
  }
  return router;
}

/** Headers of a brand officer's page: the public pages' CSP, its language, never cached. */
export function sendPage(res: Response, lang: Lang, html: string, status = 200): void {
  res.setHeader("content-security-policy", PAGE_CSP);
  res.setHeader("content-language", lang === "zh" ? "zh-CN" : "en");
  res.setHeader("cache-control", "no-store");
  res.status(status).type("html").send(html);
}

/** 403 for a link that is not signed, tampered with or expired, in the page's language. */
export function refuse(res: Response, lang: Lang): void {
  const text =
    lang === "zh"
      ? "链接无效或已过期，请向品牌方索取新链接。"
      : "This link is not valid or has expired; ask the brand owner for a new one.";
  sendPage(
    res,
    lang,
    renderDocument({
      lang,
      title: text,
      selfPath: "/",
      body: `<section class="verdict verdict-unknown" data-testid="link-refused"><h2>${escapeHtml(text)}</h2></section>`,
    }),
    403,
  );
}
