import { Router } from "express";
import { findBatch, batchIdParams, assertBatchVisible } from "../../batches";
import { labelItems } from "../labels";
import type { LabelSheetTask } from "../web/labels-pdf.task";
import { NOT_STATED } from "../web/labels-content";
import { LimitExceededError } from "../../../platform/errors";
import { runOffThread } from "../../../platform/threads/off-thread-pool";
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
        413: "LIMIT_EXCEEDED: more labels than LABELS_MAX_PER_REQUEST",
        422: "no serials",
      },
    },
    async (req, res) => {
      const { params, query } = req;
      const allowed = deps.config.LABELS_MAX_PER_REQUEST;
      if (query.count > allowed) {
        throw new LimitExceededError(
          "LABELS_MAX_PER_REQUEST",
          `count ${query.count} is more labels than one sheet request prints; print it in runs with offset`,
          { allowed, actual: query.count },
        );
      }
      const batch = await findBatch(deps.useCaseContext, params.id);
      assertBatchVisible(res, batch);
      const items = await labelItems(deps.useCaseContext, actorOf(res), batch, deps.config.PUBLIC_BASE_URL, {
        count: query.count,
        serials: query.serials === "true",
        offset: query.offset,
      });
      // Rendered in the worker pool: a 10,000-label sheet is seconds of CPU (decision 0021).
      const pdf = await runOffThread<LabelSheetTask, Uint8Array>(
        { filename: require.resolve("../web/labels-pdf.task"), name: "renderLabelsPdf" },
        {
          // Only what the labels print: the worker receives a copy of it.
          batch: {
            product: { name: batch.product.name, gtin: batch.product.gtin },
            lot: batch.lot,
            origin: {
              place: batch.origin.place,
              regionCode: batch.origin.regionCode,
              country: batch.origin.country,
              harvestedAt: batch.origin.harvestedAt,
            },
            brand: batch.brand,
          },
          items,
          options: { errorCorrection: query.ecc, title: `${batch.product.name ?? NOT_STATED} ${batch.lot}` },
        },
      );
      res.type("application/pdf");
      res.setHeader(
        "content-disposition",
        `inline; filename="labels-${batch.lot.replace(/[^\w.-]/g, "_")}.pdf"`,
      );
      res.setHeader("cache-control", "no-store");
      res.end(pdf);
    },
  );
  return router;
}
