import { Router } from "express";
import { verifierFor, verifyAnswer } from "../verify";
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
      // In a verification thread when one is serving, else in the event loop (decision 0045).
      const { status, body } =
        (await deps.verifyThreads?.verifyPublic(params.publicId)) ??
        verifyAnswer(params.publicId, await verifierFor(verifierDeps(deps)).verifyPublic(params.publicId));
      res.setHeader("cache-control", "no-store");
      res.status(status).json(body);
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
