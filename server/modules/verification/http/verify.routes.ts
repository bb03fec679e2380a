import { Router } from "express";
import { verifierFor } from "../verify";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { verifyParams } from "./proof-bundle.schemas";

/** `GET /api/verify/:publicId`: the verdict and how it was reached, for anyone. */
export function verifyRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  registry.define(
    router,
    {
      method: "get",
      path: "/api/verify/:publicId",
      summary:
        "Verify a batch: recompute its records' hashes, chains and Merkle proofs, check the anchors on chain, recalls (through lineage) and certifications",
      tag: "verification",
      access: "public",
      resource: "batch-public",
      params: verifyParams,
      responses: {
        200: "{ publicId, batchId, verdict, checks: [{ name, status, detail }], checkedAt }; verdict: verified, pending, tampered, revoked, recalled, expired",
        404: "{ verdict: unknown, checks } for a public id that names no batch",
      },
    },
    async (req, res) => {
      const { params } = req;
      const verification = await verifierFor(verifierDeps(deps)).verifyPublic(params.publicId);
      res.setHeader("cache-control", "no-store");
      res.status(verification.found ? 200 : 404).json({
        publicId: params.publicId,
        batchId: verification.found ? verification.batchId : null,
        verdict: verification.verdict,
        checks: verification.checks,
        checkedAt: verification.checkedAt,
      });
    },
  );
  return router;
}

export function verifierDeps(deps: HttpDeps) {
  return {
    useCaseContext: deps.useCaseContext,
    chain: deps.chain,
    publicBaseUrl: deps.config.PUBLIC_BASE_URL,
  };
}
