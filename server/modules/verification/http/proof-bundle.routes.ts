import { Router, type Response } from "express";
import type { ProofBundle } from "../domain/proof-bundle";
import { findBatch, assertBatchVisible, findBatchByPublicId } from "../../batches";
import { NotFoundError } from "../../../platform/errors";
import { verifierFor } from "../verify";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf, canSeeAll } from "../../organizations";
import { proofBundleParams, publicBundleParams } from "./proof-bundle.schemas";
import { verifierDeps } from "./verify.routes";

/** Proof bundles: the public one for anyone, and one with private values for the parties. */
export function proofBundleRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const tag = "verification";

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:publicId/proof-bundle",
      summary:
        "Self-contained proof bundle: disclosed event bodies with salts, hashes, Merkle proofs, roots, chain id, registry and transactions (verify with npm run verify-bundle)",
      tag,
      access: "public",
      resource: "batch-public",
      params: publicBundleParams,
      responses: {
        200: "application/json bundle (format ecotrace-proof-bundle/2)",
        404: "no batch has this public id",
      },
    },
    async (req, res) => {
      const { params } = req;
      const batch = await findBatchByPublicId(deps.useCaseContext, params.publicId);
      if (!batch) throw new NotFoundError("batch", params.publicId);
      sendBundle(res, await verifierFor(verifierDeps(deps)).bundle(batch._id.toHexString()));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/proof-bundle/full",
      summary:
        "Proof bundle with the openings (value + salt) of private fields: those the caller sealed, or all for auditors and admins",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: proofBundleParams,
      responses: { 200: "bundle with openings", 404: "unknown batch, or one the caller is no party of" },
    },
    async (req, res) => {
      const { params } = req;
      const actor = actorOf(res);
      assertBatchVisible(res, await findBatch(deps.useCaseContext, params.id));
      const bundle = await verifierFor(verifierDeps(deps)).bundle(params.id, {
        orgId: actor.orgId,
        seesAll: canSeeAll(actor),
      });
      sendBundle(res, bundle);
    },
  );

  return router;
}

function sendBundle(res: Response, bundle: ProofBundle): void {
  const name = `ecotrace-proof-${bundle.subject.lot.replace(/[^\w.-]/g, "_")}.json`;
  res.setHeader("content-disposition", `attachment; filename="${name}"`);
  res.setHeader("cache-control", "no-store");
  res.type("application/json").send(`${JSON.stringify(bundle, null, 2)}\n`);
}
