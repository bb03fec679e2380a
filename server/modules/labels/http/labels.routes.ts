import { Router } from "express";
import { findBatch, batchIdParams, assertBatchVisible } from "../../batches";
import { labelItems } from "../labels";
import { labelContents } from "../web/labels-content";
import { writeLabelsPdf } from "../web/labels-pdf";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { labelsQuery } from "./labels.schemas";

/** `GET /api/batches/:id/labels.pdf`: a printable A4 label sheet (24 labels a page). */
export function labelRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/labels.pdf",
      summary:
        "A4 label sheet (3 × 8 labels, 70 × 36 mm): QR code with product, brand, lot and origin in Chinese; ?serials=true for item serials",
      tag: "labels",
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      query: labelsQuery,
      responses: {
        200: "application/pdf",
        403: "not a party of the batch (item serials: producer only)",
        422: "no serials",
      },
    },
    async (req, res) => {
      const { params, query } = req;
      const batch = await findBatch(deps.useCaseContext, params.id);
      assertBatchVisible(res, batch);
      const items = await labelItems(deps.useCaseContext, actorOf(res), batch, deps.config.PUBLIC_BASE_URL, {
        count: query.count,
        serials: query.serials === "true",
        offset: query.offset,
      });
      res.type("application/pdf");
      res.setHeader(
        "content-disposition",
        `inline; filename="labels-${batch.lot.replace(/[^\w.-]/g, "_")}.pdf"`,
      );
      res.setHeader("cache-control", "no-store");
      await writeLabelsPdf(
        labelContents(batch, items),
        { errorCorrection: query.ecc, title: `${batch.product.name} ${batch.lot}` },
        res,
      );
    },
  );
  return router;
}
