import { randomUUID } from "node:crypto";
import express, { type Express } from "express";
import { pinoHttp } from "pino-http";
import swaggerUi from "swagger-ui-express";
import type { Config } from "./config";
import {
  ApiKeyCache,
  authenticate,
  requireRoles,
  organizationRoutes,
  type OrganizationRole,
} from "../modules/organizations";
import { errorHandler, notFoundHandler } from "../platform/http/error-handler";
import { RouteRegistry } from "../platform/http/route-registry";
import { healthRoutes } from "./health.routes";
import { landingRoutes } from "./landing.routes";
import { batchRoutes } from "../modules/batches";
import { custodyRoutes } from "../modules/custody";
import { certificationRoutes } from "../modules/certifications";
import { qrRoutes, serialRoutes, labelRoutes } from "../modules/labels";
import { verifyRoutes, proofBundleRoutes } from "../modules/verification";
import { consumerRoutes, brandPageRoutes, fakeReportRoutes } from "../modules/consumer";
import { idempotency } from "../platform/http/idempotency";
import type { HttpDeps } from "../modules/http-deps";
import { type AnchorWorker, anchorRoutes } from "../modules/anchoring";
import { epcisCaptureBodyParser, epcisRoutes } from "../modules/epcis";
import { importRoutes } from "../modules/imports";
import { auditRoutes, brandAuditPageRoutes } from "../modules/audit";
import { brandRoutes, brandClaims } from "../modules/brands";
import { brandOfficerPageRoutes, brandReportRoutes } from "../modules/brand-reports";
import { eventRoutes } from "../modules/ingest";

/** The runtime the application is built from; route files see it as HttpDeps. */
export interface AppDeps extends Omit<HttpDeps, "brandClaims"> {
  config: Config;
  pingDatabase(): Promise<void>;
  anchorWorker?: AnchorWorker;
}

/** Builds the express application. Never listens: start.ts and the tests do that. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
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
    }),
  );
  const routeDeps: HttpDeps = { ...deps, brandClaims };
  const apiKeys = new ApiKeyCache();
  const authenticateKey = authenticate(deps.connection, apiKeys);
  // Capture bodies may be 32 MB: only a caller with a valid key gets one parsed.
  app.use("/api/epcis/capture", authenticateKey, epcisCaptureBodyParser());
  app.use(express.json({ limit: deps.config.BODY_LIMIT, strict: true }));

  const registry = new RouteRegistry<OrganizationRole>({ authenticate: authenticateKey, requireRoles });
  app.use(healthRoutes(deps));
  app.use(landingRoutes(deps.config.DATA_DIR));
  app.use("/api", idempotency(deps.connection));
  app.use(organizationRoutes(routeDeps, registry, apiKeys));
  app.use(batchRoutes(routeDeps, registry));
  app.use(eventRoutes(routeDeps, registry));
  app.use(custodyRoutes(routeDeps, registry));
  app.use(certificationRoutes(routeDeps, registry));
  app.use(anchorRoutes(routeDeps, registry));
  app.use(qrRoutes(routeDeps, registry));
  app.use(verifyRoutes(routeDeps, registry));
  app.use(proofBundleRoutes(routeDeps, registry));
  app.use(serialRoutes(routeDeps, registry));
  app.use(labelRoutes(routeDeps, registry));
  app.use(epcisRoutes(routeDeps, registry));
  app.use(importRoutes(routeDeps, registry));
  app.use(auditRoutes(routeDeps, registry));
  app.use(brandRoutes(routeDeps, registry));
  app.use(brandReportRoutes(routeDeps, registry));
  app.use(brandOfficerPageRoutes(routeDeps, registry));
  app.use(brandAuditPageRoutes(routeDeps, registry));
  app.use(brandPageRoutes(routeDeps, registry));
  // Consumer pages at Digital Link paths (/01/…, /b/…): after the API, before the 404 handler.
  app.use(fakeReportRoutes(routeDeps, registry));
  app.use(consumerRoutes(routeDeps, registry));

  const openApi = registry.openApiDocument({
    title: "EcoTrace API",
    version: "0.1.0",
    serverUrl: deps.config.PUBLIC_BASE_URL,
  });
  app.get("/openapi.json", (_req, res) => res.json(openApi));
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(openApi, { customSiteTitle: "EcoTrace API" }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
