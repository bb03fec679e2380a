import { randomBytes } from "node:crypto";
import { Router, type Request, type RequestHandler, type Response } from "express";
import {
  type BatchDoc,
  DigitalLinkError,
  findBatchByPublicId,
  parseDigitalLinkPath,
  type DigitalLinkKey,
} from "../../batches";
import {
  decideVerdict,
  resolveBatchKey,
  verifierFor,
  type BatchVerification,
  verifierDeps,
  type CompletenessEvidence,
} from "../../verification";
import { ValidationError } from "../../../platform/errors";
import {
  recordScan,
  scanReport,
  type SerialScanReport,
  findSerial,
  noteUnknownSerialScan,
} from "../../labels";
import cookieParser from "cookie-parser";
import { isScan, scanningDevice } from "./scanning-device";
import { renderConsumerPage } from "../web/consumer-page";
import { buildConsumerView, unknownView, type ConsumerView } from "../consumer-view";
import { PAGE_CSP, pageCspWithScript } from "../../../platform/web/html";
import { pickLanguage } from "../web/i18n";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { consumerBatchParams, consumerQuery, digitalLinkParams } from "./consumer.schemas";

type Target = { publicId: string } | { key: DigitalLinkKey };

/**
 * The consumer page at the URL a QR code holds: the GS1 Digital Link (`/01/{gtin}/10/{lot}`,
 * with `/21/{serial}` for an item, or any short form GS1 allows) or the fallback `/b/{publicId}`.
 * No login. HTML by default (zh-CN, or English by `?lang=en` / Accept-Language); the same URL
 * answers JSON to `Accept: application/json`. An item link opened as a page is a scan, counted
 * once per device and day (scanning-device.ts); JSON calls and the page's own links are not.
 */
export function consumerRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  router.use(cookieParser());
  const tag = "consumer";
  const responses = {
    200: "text/html page (or JSON with Accept: application/json): verdict, origin, journey, certifications, proof",
    404: "the same, with verdict unknown, for a code that matches no batch or issued serial",
  };

  registry.define(
    router,
    {
      method: "get",
      path: "/b/:publicId",
      summary: "Consumer page of a batch without a GTIN (EcoTrace's fallback link)",
      tag,
      access: "public",
      resource: "batch-public",
      params: consumerBatchParams,
      query: consumerQuery,
      responses,
    },
    (req, res) =>
      respond(deps, req, res, {
        publicId: req.params.publicId,
      }),
  );

  const byDigitalLink: RequestHandler = async (req, res, next) => {
    let key: DigitalLinkKey | null;
    try {
      key = parseDigitalLinkPath(req.path, req.query as Record<string, string | undefined>);
    } catch (error) {
      if (error instanceof DigitalLinkError)
        return respondUnknown(deps, req, res, `not a valid GS1 Digital Link: ${error.message}`, 400);
      throw error;
    }
    if (!key) return next();
    await respond(deps, req, res, { key });
  };

  for (const path of ["/01/:gtin/10/:lot", "/01/:gtin/10/:lot/21/:serial"]) {
    registry.define(
      router,
      {
        method: "get",
        path,
        summary: `Consumer page of a ${path.includes("/21/") ? "serialised item" : "batch"} (GS1 Digital Link)`,
        tag,
        access: "public",
        params: digitalLinkParams,
        query: consumerQuery,
        responses,
      },
      byDigitalLink,
    );
  }
  // Short forms (gtin/lot/ser, GTIN-8/12/13, a lot or serial as query attribute, a path prefix).
  router.get(/^\/(?!api\/)(?:.*\/)?(?:01|gtin)\/[^/]+/, (req, res, next) => {
    const query = consumerQuery.safeParse(req.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      return next(ValidationError.forField(["query", ...issue.path.map(String)].join("."), issue.message));
    }
    return byDigitalLink(req, res, next);
  });

  return router;
}

async function respond(deps: HttpDeps, req: Request, res: Response, target: Target): Promise<void> {
  const verifier = verifierFor(verifierDeps(deps));
  let batchId: string;
  let known: BatchDoc | undefined;
  let serial: SerialScanReport | null = null;
  if ("publicId" in target) {
    const batch = await findBatchByPublicId(deps.useCaseContext, target.publicId);
    if (!batch) return respondUnknown(deps, req, res, `no batch has the public id ${target.publicId}`, 404);
    batchId = batch._id.toHexString();
    known = batch;
  } else {
    const resolved = await resolveBatchKey(deps.useCaseContext, target.key);
    if (!resolved.batch) {
      if (isScan(req)) await noteUnknownSerialScan(deps, req, target.key, null, scanningDevice(req, res));
      const deleted =
        target.key.lot === undefined
          ? null
          : await verifier.missingBatchEvidence({ gtin: target.key.gtin, lot: target.key.lot });
      return respondUnknown(deps, req, res, resolved.reason, 404, deleted);
    }
    batchId = resolved.batch._id.toHexString();
    known = resolved.batch;
    if (target.key.serial !== undefined) {
      const issued = await findSerial(deps.useCaseContext, resolved.batch._id, target.key.serial);
      if (!issued) {
        if (isScan(req))
          await noteUnknownSerialScan(deps, req, target.key, resolved.batch, scanningDevice(req, res));
        return respondUnknown(
          deps,
          req,
          res,
          `serial ${target.key.serial} was never issued for lot ${target.key.lot}`,
          404,
        );
      }
      serial = isScan(req)
        ? await recordScan(deps.useCaseContext, issued, scanningDevice(req, res))
        : await scanReport(deps.useCaseContext, issued);
    }
  }
  const verification = await verifier.verify(batchId, known, serial ?? undefined);
  const view = verification.found
    ? await buildConsumerView(deps.connection, verification, serial, deps.config.PUBLIC_BASE_URL)
    : unknownView(verification);
  send(req, res, view, verification.found ? 200 : 404);
}

function respondUnknown(
  deps: HttpDeps,
  req: Request,
  res: Response,
  reason: string,
  status: number,
  completeness: CompletenessEvidence | null = null,
): void {
  const verification: Pick<BatchVerification, "verdict" | "checks" | "checkedAt"> = {
    ...decideVerdict({ found: false, reason, completeness }),
    checkedAt: deps.useCaseContext.now().toISOString(),
  };
  send(req, res, unknownView(verification), status);
}

function send(req: Request, res: Response, view: ConsumerView, status: number): void {
  res.setHeader("cache-control", "no-store");
  res.setHeader("vary", "Accept, Accept-Language");
  if (req.accepts(["html", "json"]) === "json") {
    res.status(status).json(view);
    return;
  }
  const lang = pickLanguage(req.query.lang, req.get("accept-language"));
  // Only an item's page runs a script (share-region.ts); a batch's keeps the strictest CSP.
  const nonce = view.serial && view.batch ? randomBytes(16).toString("base64") : null;
  res.setHeader("content-security-policy", nonce ? pageCspWithScript(nonce) : PAGE_CSP);
  res.setHeader("content-language", lang === "zh" ? "zh-CN" : "en");
  res.setHeader("x-content-type-options", "nosniff");
  res
    .status(status)
    .type("html")
    .send(renderConsumerPage(view, lang, req.path, nonce));
}
