import express, { Router } from "express";
import cookieParser from "cookie-parser";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { findSerial, reportFake } from "../../labels";
import { resolveBatchKey } from "../../verification";
import { AppError, NotFoundError } from "../../../platform/errors";
import { PAGE_CSP, escapeHtml as e } from "../../../platform/web/html";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { renderDocument } from "../web/page-document";
import { scanningDevice } from "./scanning-device";
import { fakeReportBody, fakeReportParams } from "./fake-report.schemas";

/** Reports one address may send per hour (a shop's Wi-Fi serves many shoppers). */
const REPORTS_PER_HOUR = 30;

/**
 * The consumer page's "report a fake" form posts here (no script, no login): one report per item
 * and device, a reason from a fixed list, rate-limited per address; the brand report counts them.
 */
export function fakeReportRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const limiter = new RateLimiterMemory({ points: REPORTS_PER_HOUR, duration: 3600 });
  const path = "/01/:gtin/10/:lot/21/:serial/fake-report";
  router.use(path, cookieParser(), express.urlencoded({ extended: false, limit: "1kb", parameterLimit: 5 }));
  registry.define(
    router,
    {
      method: "post",
      path,
      summary: "A shopper reports the item in hand as fake (form post from its consumer page)",
      tag: "consumer",
      access: "public",
      params: fakeReportParams,
      body: fakeReportBody,
      responses: {
        200: "text/html: the report was received",
        404: "no such item",
        429: "too many reports from this address",
      },
    },
    async (req, res) => {
      try {
        await limiter.consume(req.ip ?? "");
      } catch {
        throw new AppError("TOO_MANY_REPORTS", "too many reports from this address; try again later", 429);
      }
      const { gtin, lot, serial } = req.params;
      const resolved = await resolveBatchKey(deps.useCaseContext, { gtin, lot });
      const issued = resolved.batch && (await findSerial(deps.useCaseContext, resolved.batch._id, serial));
      if (!issued) throw new NotFoundError("item", `${gtin}/${lot}/${serial}`);
      await reportFake(deps.useCaseContext, issued, scanningDevice(req, res), req.body.reason);
      const lang = req.body.lang ?? "zh";
      const back = `/01/${gtin}/10/${lot}/21/${serial}?lang=${lang}`;
      const text =
        lang === "zh"
          ? "已收到您的举报，谢谢。品牌方会在品牌报告中看到它。"
          : "Thank you: your report was received and the brand owner will see it in the brand report.";
      res.setHeader("content-security-policy", PAGE_CSP);
      res.type("html").send(
        renderDocument({
          lang,
          title: text,
          selfPath: `/01/${gtin}/10/${lot}/21/${serial}`,
          body: `<section data-testid="fake-reported"><h2>${e(text)}</h2><p><a href="${e(back)}">${e(lang === "zh" ? "返回产品页面" : "Back to the product page")}</a></p></section>`,
        }),
      );
    },
  );
  return router;
}
