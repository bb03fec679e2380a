import { Router } from "express";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { regionalOverview } from "../regional-overview";
import { regionalOverviewQuery } from "./audit.schemas";

/** Regulators' regional overview of recalls and revocations (GB/T 2260 provinces, cities, counties). */
export function regionalOverviewRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  registry.define(
    router,
    {
      method: "get",
      path: "/api/regional-overview",
      summary:
        "Recalls (recalled batches by origin) and revocations (certifications revoked on chain, by the origins of the batches they were recorded on) in a GB/T 2260 region or the whole country: counts per division one level down, and the lists",
      tag: "audit",
      access: { roles: ["auditor", "admin"], others: "none" },
      query: regionalOverviewQuery,
      responses: {
        200: "{ regionCode, name, groupLevel, totals: { recalls, revocations }, groups: [{ regionCode, name, recalls, revocations }], recalls: [...], revocations: [...] } (lists: first 200)",
      },
    },
    async (req, res) => {
      const { query } = req;
      res.json(
        await regionalOverview({ ...deps.useCaseContext, chain: deps.chain }, query.regionCode, {
          publicBaseUrl: deps.config.PUBLIC_BASE_URL,
          nowSec: Math.floor(deps.useCaseContext.now().getTime() / 1000),
        }),
      );
    },
  );
  return router;
}
