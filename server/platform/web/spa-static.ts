import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import compression from "compression";
import express, { Router, type Request, type Response } from "express";
import helmet from "helmet";

/** What console/vite.config.mts writes where each page load needs a fresh nonce. */
const NONCE_PLACEHOLDER = "__ECOTRACE_CSP_NONCE__";
/** Where the app mounts in console/index.html; a first screen goes just before it. */
const ROOT_ELEMENT = '<div id="root"></div>';
const STYLESHEET_LINK = /<link rel="stylesheet"[^>]*>\s*/g;

/**
 * Serves a built single-page application (the console's `vite build` output) under the path the
 * router is mounted at: files as they are, hashed assets cached for a year (their name changes
 * with their content), and index.html for every other GET so that a reload or a shared link opens
 * the same screen. The CSP lets the page load its own scripts, styles and data only: no CDN, no
 * external fonts or tiles; inline <style> only with the per-response nonce (antd writes its CSS
 * that way), never 'unsafe-inline'.
 */
export function singlePageApp(
  directory: string,
  options: {
    /**
     * HTML to show before the app's bundle arrives (a server-rendered first screen), placed before
     * its root element; null for none. Any inline <style> or <script> must carry `nonce`.
     */
    firstScreen?: (req: Request, nonce: string) => Promise<string | null>;
  } = {},
): Router {
  const router = Router();
  const indexFile = path.join(directory, "index.html");
  router.use(compression());
  router.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          imgSrc: ["'self'", "data:"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  router.use(
    "/assets",
    express.static(path.join(directory, "assets"), { immutable: true, maxAge: "365d", fallthrough: false }),
  );
  router.use(express.static(directory, { index: false, maxAge: "1h" }));
  router.get("/{*rest}", async (req: Request, res: Response) => {
    // Read per request: a rebuild replaces index.html and deletes the assets the old one named.
    const template = await fs.readFile(indexFile, "utf8").catch(() => undefined);
    if (template === undefined) {
      res
        .status(503)
        .type("text/plain")
        .send("The console is not built: run `npm run build` or `npm start`.\n");
      return;
    }
    const nonce = res.locals.cspNonce as string;
    const firstScreen = (await options.firstScreen?.(req, nonce)) ?? null;
    const page = firstScreen ? withFirstScreen(template, firstScreen) : template;
    const html = page.replaceAll(NONCE_PLACEHOLDER, nonce);
    res.setHeader("cache-control", "no-cache");
    res.type("html").send(html);
  });
  return router;
}

/**
 * index.html with a first screen before the app's root. The app's stylesheets move from the head
 * to after the root: a stylesheet in the head holds back the first paint until it has loaded (one
 * more round trip on a slow network), one in the body only what follows it, which is the app,
 * hidden until it takes over.
 */
function withFirstScreen(template: string, firstScreen: string): string {
  const stylesheets = template.match(STYLESHEET_LINK) ?? [];
  return template
    .replace(STYLESHEET_LINK, "")
    .replace(ROOT_ELEMENT, `${firstScreen}${ROOT_ELEMENT}${stylesheets.join("")}`);
}
