import { randomUUID } from "node:crypto";
import compression from "compression";
import cookieParser from "cookie-parser";
import express, { type Express } from "express";
import { pinoHttp } from "pino-http";
import swaggerUi from "swagger-ui-express";
import type { Config } from "./config";
import {
  ApiKeyCache,
  CSRF_HEADER,
  actorOf,
  type Actor,
  authenticate,
  requireRoles,
  organizationRoutes,
  type OrganizationRole,
} from "../modules/organizations";
import { errorHandler, notFoundHandler } from "../platform/http/error-handler";
import { RouteRegistry } from "../platform/http/route-registry";
import { healthRoutes } from "./health.routes";
import { singlePageApp } from "../platform/web/spa-static";
import { landingRoutes } from "./landing.routes";
import { batchRoutes } from "../modules/batches";
import { custodyRoutes } from "../modules/custody";
import { certificationRoutes, credentialRoutes } from "../modules/certifications";
import { qrRoutes, serialRoutes, labelRoutes } from "../modules/labels";
import { verifyRoutes, proofBundleRoutes, type VerifyThreads } from "../modules/verification";
import { consumerRoutes, brandPageRoutes, fakeReportRoutes, scanRegionRoutes } from "../modules/consumer";
import { idempotency } from "../platform/http/idempotency";
import { setPlausibleTimeWindow } from "../platform/http/common.schemas";
import { jsonBody } from "../platform/http/json-body";
import { consoleFirstScreen } from "./console-first-screen";
import { RateLimits } from "../platform/http/rate-limits";
import { docsSecurityHeaders, securityHeaders } from "../platform/http/security-headers";
import type { HttpDeps } from "../modules/http-deps";
import { type AnchorWorker, anchorRoutes, withWindowAnchors } from "../modules/anchoring";
import { epcisCaptureBodyParser, epcisQueriesRoutes, epcisQueryRoutes, epcisRoutes } from "../modules/epcis";
import { importRoutes } from "../modules/imports";
import { auditRoutes, brandAuditPageRoutes, regionalOverviewRoutes } from "../modules/audit";
import { brandRoutes, brandClaims } from "../modules/brands";
import { brandOfficerPageRoutes, brandReportRoutes } from "../modules/brand-reports";
import { eventRoutes } from "../modules/ingest";
import { resolverRoutes } from "../modules/resolver";
import { SESSION_COOKIE, accountRoutes, consoleSessions } from "../modules/accounts";

/** The runtime the application is built from; route files see it as HttpDeps. */
export interface AppDeps extends Omit<HttpDeps, "brandClaims" | "withWindowAnchors"> {
  config: Config;
  pingDatabase(): Promise<void>;
  anchorWorker?: AnchorWorker;
  verifyThreads?: VerifyThreads;
}

/** Builds the express application. Never listens: start.ts and the tests do that. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.TRUST_PROXY);
  setPlausibleTimeWindow({
    earliest: deps.config.EARLIEST_RECORDED_TIME,
    eventMaxFutureDays: deps.config.EVENT_TIME_MAX_FUTURE_DAYS,
    harvestMaxFutureDays: deps.config.HARVEST_MAX_FUTURE_DAYS,
  });
  app.set("query parser", "simple");

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" },
      // One short line per request: who, what, outcome. Headers (the same dozen security headers on
      // every response) made each line ~2 KB and buried the start-up summary.
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(securityHeaders());
  app.use(compression());
  const { config } = deps;
  const rateLimits = new RateLimits(
    deps.connection,
    {
      perAddressPerMinute: config.RATE_LIMIT_PER_ADDRESS,
      perKeyPerMinute: config.RATE_LIMIT_PER_KEY,
      authFailuresPerQuarterHour: config.RATE_LIMIT_AUTH_FAILURES,
      addressesInMemory: config.embedded.db,
    },
    deps.logger,
  );
  // Before any body is read: a client over its budget costs no parsing.
  app.use(rateLimits.byAddress());
  const routeDeps: HttpDeps = {
    ...deps,
    brandClaims,
    withWindowAnchors: (events) => withWindowAnchors(deps.connection, events),
  };
  const apiKeys = new ApiKeyCache();
  const lifetime = {
    idleMs: deps.config.SESSION_IDLE_MINUTES * 60_000,
    maxMs: deps.config.SESSION_MAX_HOURS * 3_600_000,
  };
  app.use(cookieParser());
  const sessions = consoleSessions(deps.connection, lifetime);
  const authenticateKey = rateLimits.guardAuthentication(
    authenticate(deps.connection, apiKeys, sessions),
    (res) => credentialOf(actorOf(res)),
  );
  // Capture bodies may be large: only a caller with a valid key or session gets one parsed.
  app.use("/api/epcis/capture", authenticateKey, epcisCaptureBodyParser(config));
  app.use(jsonBody({ limit: config.BODY_LIMIT }));

  const idempotencyFor = idempotency(deps.connection, {
    ttlMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
    scopeOf: (res) => `${actorOf(res).orgId}/${credentialOf(actorOf(res))}`,
  });
  const registry = new RouteRegistry<OrganizationRole>(
    { authenticate: authenticateKey, requireRoles },
    idempotencyFor,
  );
  app.use(healthRoutes(deps));
  app.use(landingRoutes(deps.config.DATA_DIR));
  app.use(organizationRoutes(routeDeps, registry, apiKeys));
  app.use(
    accountRoutes(routeDeps, registry, {
      lifetime,
      loginLimits: {
        perAccount: deps.config.LOGIN_MAX_FAILURES,
        perAddress: deps.config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      },
    }),
  );
  app.use(batchRoutes(routeDeps, registry));
  app.use(eventRoutes(routeDeps, registry));
  app.use(custodyRoutes(routeDeps, registry));
  app.use(certificationRoutes(routeDeps, registry));
  app.use(credentialRoutes(routeDeps, registry));
  app.use(anchorRoutes(routeDeps, registry));
  app.use(qrRoutes(routeDeps, registry));
  app.use(verifyRoutes(routeDeps, registry));
  app.use(proofBundleRoutes(routeDeps, registry));
  app.use(serialRoutes(routeDeps, registry));
  app.use(labelRoutes(routeDeps, registry));
  app.use(epcisRoutes(routeDeps, registry));
  app.use(epcisQueryRoutes(routeDeps, registry));
  app.use(epcisQueriesRoutes(routeDeps, registry));
  app.use(importRoutes(routeDeps, registry));
  app.use(auditRoutes(routeDeps, registry));
  app.use(regionalOverviewRoutes(routeDeps, registry));
  app.use(brandRoutes(routeDeps, registry));
  app.use(brandReportRoutes(routeDeps, registry));
  app.use(brandOfficerPageRoutes(routeDeps, registry));
  app.use(brandAuditPageRoutes(routeDeps, registry));
  app.use(brandPageRoutes(routeDeps, registry));
  // GS1 resolver answers (linkset, link types, Link header), then the consumer pages at the same
  // Digital Link paths (/01/…, /b/…): after the API, before the 404 handler.
  app.use(resolverRoutes(routeDeps, registry));
  app.use(fakeReportRoutes(routeDeps, registry));
  app.use(scanRegionRoutes(routeDeps, registry));
  app.use(consumerRoutes(routeDeps, registry));

  const openApi = registry.openApiDocument({
    title: "EcoTrace API",
    version: "0.1.0",
    serverUrl: deps.config.PUBLIC_BASE_URL,
    session: {
      cookie: SESSION_COOKIE,
      description: `Console session (POST /api/session); state-changing requests also need ${CSRF_HEADER}`,
    },
  });
  app.get("/openapi.json", (_req, res) => res.json(openApi));
  app.use(
    "/console",
    singlePageApp(deps.config.CONSOLE_DIR, { firstScreen: consoleFirstScreen(routeDeps, sessions) }),
  );
  // Every route's contract, for the tests that walk them all (authorization matrix, fuzz).
  app.locals.routeSpecs = registry.specs;
  app.use(
    "/docs",
    docsSecurityHeaders(),
    swaggerUi.serve,
    swaggerUi.setup(openApi, { customSiteTitle: "EcoTrace API" }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * Which credential acted: the API key, or the console member (sessions and keys share one model).
 * Rate limits per credential and Idempotency-Key scopes use it.
 */
function credentialOf(actor: Actor): string {
  return actor.keyId ?? (actor.member ? `member:${actor.member.id}` : "");
}
