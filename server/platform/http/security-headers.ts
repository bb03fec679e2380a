import helmet from "helmet";
import type { RequestHandler } from "express";

/**
 * helmet's headers on every response (X-Content-Type-Options, Strict-Transport-Security,
 * Referrer-Policy, Cross-Origin-* …). The CSP here is for what is not a page (JSON, CSV, PDF,
 * images): nothing may load or frame it. Server-rendered pages replace it with their own PAGE_CSP
 * (platform/web/html.ts), which is as strict but allows their inline stylesheet and SVG.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    // QR images and the public verification JSON may be embedded by brand and retailer sites.
    crossOriginResourcePolicy: { policy: "cross-origin" },
  });
}

/**
 * The Swagger UI at /docs loads its scripts and stylesheet from /docs itself and has an inline
 * stylesheet and data: icons; the specification is built into its init script, so it fetches
 * nothing else.
 */
export function docsSecurityHeaders(): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  });
}
