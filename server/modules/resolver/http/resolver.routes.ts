import { Router, type Request, type RequestHandler } from "express";
import {
  DigitalLinkError,
  formatDigitalLink,
  parseDigitalLinkPath,
  type DigitalLinkKey,
} from "../../batches";
import { verifierDeps, verifierFor } from "../../verification";
import { NotFoundError, ValidationError } from "../../../platform/errors";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { parseLinkType, GS1_VOC, OFFERED_LINK_TYPES } from "../domain/link-types";
import { linkHeader, linksetDocument, pickLink } from "../domain/linkset";
import { linksFor } from "../resolve-links";
import { recallStatus } from "../recall-status";
import { digitalLinkAttributes, recallStatusParams } from "./resolver.schemas";

const LINKSET_TYPE = "application/linkset+json";
/** Digital Link paths (full and short forms); the consumer routes answer what this does not. */
const DIGITAL_LINK_PATH = /^\/(?!api\/)(?:.*\/)?(?:01|gtin)\/[^/]+/;

/**
 * GS1-Conformant resolver behaviour at the Digital Link URLs the QR codes carry (decision 0025):
 * every answer has a `Link` header to the linkset and CORS; `?linkType=linkset` (or `all`, or
 * `Accept: application/linkset+json`) answers the linkset; `?linkType=gs1:…` redirects (307) to
 * that link, query attributes passed on; the product information page and the default link are
 * the consumer page at this very URL, so they — and a link type the item does not have, which
 * falls back to the default link — are served in place by the consumer routes that follow.
 */
export function resolverRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const base = deps.config.PUBLIC_BASE_URL;

  router.get("/.well-known/gs1resolver", (_req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.json({
      name: "EcoTrace GS1 Digital Link resolver",
      resolverRoot: base,
      supportedPrimaryKeys: ["01"],
      linkTypeDefaultCanBeLinkset: false,
      supportedLinkType: [{ namespace: GS1_VOC, prefix: "gs1:" }],
      linkTypes: OFFERED_LINK_TYPES.map((type) => `gs1:${type}`),
    });
  });

  const resolve: RequestHandler = async (req, res, next) => {
    let key: DigitalLinkKey | null;
    try {
      key = parseDigitalLinkPath(req.path, req.query as Record<string, string | undefined>);
    } catch (error) {
      if (error instanceof DigitalLinkError) return next(); // the consumer page explains it (400)
      throw error;
    }
    if (!key) return next();
    const anchor = formatDigitalLink(base, key);
    res.setHeader("link", linkHeader(anchor));
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-expose-headers", "Link");
    if (req.method === "OPTIONS") {
      res.setHeader("allow", "GET, HEAD, OPTIONS");
      res.setHeader("access-control-allow-methods", "GET, HEAD, OPTIONS");
      res.setHeader("access-control-allow-headers", "Accept, Accept-Language");
      return void res.status(204).end();
    }
    const request = parseLinkType(req.query.linkType);
    const wantsLinkset =
      request.kind === "linkset" || (request.kind === "none" && prefersLinkset(req.get("accept")));
    if (!wantsLinkset && (request.kind !== "type" || !request.offered)) return next();
    const found = await linksFor(deps.useCaseContext, base, key);
    if (!found.contexts) return next(); // the consumer page answers 404 with the reason
    if (wantsLinkset) {
      res.setHeader("vary", "Accept");
      return void res.type(LINKSET_TYPE).send(JSON.stringify(linksetDocument(found.contexts)));
    }
    if (request.kind !== "type" || !request.offered) return next();
    const link = pickLink(found.contexts[0], request.offered, preferredLanguage(req));
    if (!link || sameResource(link.href, anchor)) return next();
    res.redirect(307, withPassedOnQuery(link.href, req));
  };
  router.get(DIGITAL_LINK_PATH, resolve);
  router.options(DIGITAL_LINK_PATH, resolve);

  registry.define(
    router,
    {
      method: "get",
      path: "/recall-status/01/:gtin/10/:lot",
      summary:
        "Recall status of a lot (the gs1:recallStatus link of its Digital Link): recalled or not, from the recalling events in its verified hash chain",
      tag: "resolver",
      access: "public",
      params: recallStatusParams,
      query: digitalLinkAttributes,
      responses: { 200: "{ anchor, recalled, verdict, recalls[], checkedAt }", 404: "no such lot" },
    },
    async (req, res) => {
      const { params } = req;
      let key: DigitalLinkKey | null;
      try {
        key = parseDigitalLinkPath(`/01/${params.gtin}/10/${params.lot}`);
      } catch (error) {
        if (error instanceof DigitalLinkError) throw ValidationError.forField("params", error.message);
        throw error;
      }
      const status = await recallStatus(deps.useCaseContext, verifierFor(verifierDeps(deps)), base, key!);
      if (!status) throw new NotFoundError(`no batch with GTIN ${params.gtin} and lot ${params.lot}`);
      res.setHeader("access-control-allow-origin", "*");
      res.setHeader("cache-control", "no-store");
      res.json(status);
    },
  );
  return router;
}

/** A client that names the linkset media type before HTML (browsers never do). */
function prefersLinkset(accept: string | undefined): boolean {
  if (!accept?.includes(LINKSET_TYPE)) return false;
  const html = accept.indexOf("text/html");
  return html < 0 || accept.indexOf(LINKSET_TYPE) < html;
}

function preferredLanguage(req: Request): string | null {
  if (req.query.lang === "en" || req.query.lang === "zh") return req.query.lang;
  const first = req.get("accept-language")?.split(",")[0]?.trim().slice(0, 2).toLowerCase();
  return first || null;
}

function sameResource(href: string, anchor: string): boolean {
  return href === anchor || href.startsWith(`${anchor}?`);
}

/** GS1: key=value pairs of the request are passed on when redirecting (but not linkType itself). */
function withPassedOnQuery(href: string, req: Request): string {
  const passed = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) {
    if (name !== "linkType" && typeof value === "string") passed.append(name, value);
  }
  if (passed.size === 0) return href;
  return `${href}${href.includes("?") ? "&" : "?"}${passed}`;
}
