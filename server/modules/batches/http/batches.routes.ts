import { Router } from "express";
import { listEvents, registerBatch } from "../batches";
import { batchListFor } from "../batch-list";
import { findBatch } from "../find-batch";
import { sealedFieldsHiddenFrom } from "../sealed-batch-fields";
import { appendedView, batchView, eventView } from "../batch-view";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { assertBatchVisible } from "./batch-access";
import { batchIdParams, listBatchesQuery, listEventsQuery } from "./batches.schemas";
import { newBatchInput } from "../domain/new-batch-input";

export function batchRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const base = deps.config.PUBLIC_BASE_URL;
  const tag = "batches";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/batches",
      summary: "Register a batch with its origin; records the commissioning event",
      tag,
      access: { roles: ["producer"], others: "none" },
      body: newBatchInput,
      responses: { 201: "the batch, its Digital Link and the commissioning event", 409: "lot already used" },
    },
    async (req, res) => {
      const { body } = req;
      const { batch, event } = await registerBatch(
        ctx,
        actorOf(res).orgId,
        body,
        undefined,
        deps.brandClaims,
      );
      res.status(201).json({ ...batchView(batch, base), event: appendedView(event) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches",
      summary:
        "List batches (cursor pagination; filters by product, lot, producer, holder, harvest date, status)",
      tag,
      access: { roles: "any", others: "none" },
      query: listBatchesQuery,
      responses: { 200: "{ items, nextCursor }" },
    },
    async (req, res) => {
      res.json(await batchListFor(ctx, actorOf(res), req.query, base));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id",
      summary: "Get a batch",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      responses: {
        200: "batch (values the producer sealed as their markers)",
        404: "unknown batch, or another organization's",
      },
    },
    async (req, res) => {
      const { params } = req;
      const batch = await findBatch(ctx, params.id);
      assertBatchVisible(res, batch);
      const sealed = await sealedFieldsHiddenFrom(ctx, actorOf(res), [batch]);
      res.json(batchView(batch, base, sealed.get(params.id)));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/events",
      summary: "A batch's events in chain order",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      query: listEventsQuery,
      responses: { 200: "{ items, nextCursor }" },
    },
    async (req, res) => {
      const { params, query } = req;
      assertBatchVisible(res, await findBatch(ctx, params.id));
      const page = await listEvents(ctx, params.id, query);
      res.json({
        items: (await deps.withWindowAnchors(page.items)).map(eventView),
        nextCursor: page.nextCursor,
      });
    },
  );

  return router;
}
