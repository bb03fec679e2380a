import express, { Router } from "express";
import cookieParser from "cookie-parser";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { reportFake } from "../../labels";
import { itemOfPath } from "./item-of-path";
import { AppError } from "../../../platform/errors";
import { PAGE_CSP } from "../../../platform/web/html";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { renderNotice } from "../web/page-document";
import { ui } from "../web/i18n";
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
      const issued = await itemOfPath(deps, req.params);
      await reportFake(deps.useCaseContext, issued, scanningDevice(req, res), req.body.reason);
      const lang = req.body.lang ?? "zh";
      res.setHeader("content-security-policy", PAGE_CSP);
      res.type("html").send(
        renderNotice({
          lang,
          testId: "fake-reported",
          text: ui("fakeReported", lang),
          itemPath: `/01/${gtin}/10/${lot}/21/${serial}`,
        }),
      );
    },
  );
  return router;
}
