import { Router, type Request, type Response } from "express";
import { NotFoundError } from "../../../platform/errors";
import { brandPageData } from "../brand-page-data";
import { renderBrandNotFound, renderBrandPage } from "../web/brand-page";
import { PAGE_CSP } from "../../../platform/web/html";
import { pickLanguage } from "../../consumer/web/i18n";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { brandPageParams, brandPageQuery } from "./brand-page.schemas";

/**
 * `/brands/:id`: the public page of a regional brand (no login). HTML by default (zh-CN, or
 * English by `?lang=en` / Accept-Language) with the same CSP as the consumer page; the same URL
 * answers JSON to `Accept: application/json`.
 */
export function brandPageRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  registry.define(
    router,
    {
      method: "get",
      path: "/brands/:id",
      summary: "Public brand page: licensed producers, quotas used, their certifications, register head",
      tag: "consumer",
      access: "public",
      resource: "brand",
      params: brandPageParams,
      query: brandPageQuery,
      responses: {
        200: "text/html page (or JSON with Accept: application/json)",
        404: "no brand has this id (a bilingual page, or the JSON error)",
      },
    },
    async (req, res) => {
      const { params } = req;
      const view = await brandPageData(deps, params.id);
      res.setHeader("cache-control", "no-store");
      res.setHeader("vary", "Accept, Accept-Language");
      if (req.accepts(["html", "json"]) === "json") {
        if (!view) throw new NotFoundError("brand", params.id);
        res.json(view);
        return;
      }
      const lang = sendHtmlHeaders(req, res);
      res
        .status(view ? 200 : 404)
        .type("html")
        .send(view ? renderBrandPage(view, lang, req.path) : renderBrandNotFound(lang, req.path));
    },
  );
  return router;
}

function sendHtmlHeaders(req: Request, res: Response) {
  const lang = pickLanguage(req.query.lang, req.get("accept-language"));
  res.setHeader("content-security-policy", PAGE_CSP);
  res.setHeader("content-language", lang === "zh" ? "zh-CN" : "en");
  res.setHeader("x-content-type-options", "nosniff");
  return lang;
}
