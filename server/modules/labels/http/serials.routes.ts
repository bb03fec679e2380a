import { Router } from "express";
import { findBatch, batchIdParams, assertBatchVisible } from "../../batches";
import { issueSerials, listSerials, serialView } from "../serials";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { issueSerialsBody, listSerialsQuery } from "./serials.schemas";

/** Item-level serials: issue unguessable serials for a batch's packages, list them with scan counts. */
export function serialRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const base = deps.config.PUBLIC_BASE_URL;
  const tag = "labels";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/batches/:id/serials",
      summary:
        "Issue N random item serials (GS1 AI 21) for a batch, each item holding itemQuantity; branded batches never label more than they hold",
      tag,
      access: { roles: ["producer", "admin"], others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      body: issueSerialsBody,
      responses: {
        201: "{ count, itemQuantity, labelled, items: [{ serial, digitalLink }] }",
        403: "not the batch's producer",
        422: "no GTIN; branded batch: itemQuantity missing or in another unit, LICENCE_NOT_ACTIVE, LABEL_QUOTA_EXCEEDED (names what is left)",
      },
    },
    async (req, res) => {
      const { params, body } = req;
      const batch = await findBatch(ctx, params.id);
      const issued = await issueSerials(ctx, actorOf(res), batch, body);
      res.status(201).json({
        count: issued.serials.length,
        itemQuantity: issued.itemQuantity,
        labelled: issued.labelled,
        items: issued.serials.map((serial) => {
          const view = serialView(serial, batch, base);
          return { serial: view.serial, digitalLink: view.digitalLink };
        }),
      });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/serials",
      summary: "A batch's item serials in issue order, with their scan counts",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      query: listSerialsQuery,
      responses: { 200: "{ items, nextCursor }", 403: "another organization's batch" },
    },
    async (req, res) => {
      const { params, query } = req;
      const batch = await findBatch(ctx, params.id);
      assertBatchVisible(res, batch);
      const page = await listSerials(ctx, batch._id, query);
      res.json({
        items: page.items.map((serial) => serialView(serial, batch, base)),
        nextCursor: page.nextCursor,
      });
    },
  );

  return router;
}
