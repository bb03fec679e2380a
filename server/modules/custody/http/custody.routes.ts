import { Router } from "express";
import {
  findBatch,
  lineage,
  appendedView,
  batchView,
  batchIdParams,
  assertBatchVisible,
} from "../../batches";
import { transform } from "../transformations";
import {
  acceptTransfer,
  createTransfer,
  getTransfer,
  listTransfers,
  rejectTransfer,
  transferView,
} from "../transfers";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf, assertSameTenantOrHidden, canSeeAll } from "../../organizations";
import {
  createTransferBody,
  createTransformationBody,
  decideTransferBody,
  lineageQuery,
  listTransfersQuery,
  transferIdParams,
} from "./custody.schemas";

/** Custody (transfers that need both parties), processing (transformations) and lineage. */
export function custodyRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const base = deps.config.PUBLIC_BASE_URL;

  registry.define(
    router,
    {
      method: "post",
      path: "/api/batches/:id/transfers",
      summary: "Offer a batch, or part of it, to another organization (pending until accepted)",
      tag: "custody",
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      body: createTransferBody,
      responses: {
        201: "{ transfer, event }",
        403: "not the holder",
        422: "more than available / batch state",
      },
    },
    async (req, res) => {
      const { params, body } = req;
      const { transfer, event } = await createTransfer(ctx, actorOf(res).orgId, params.id, body);
      res.status(201).json({ transfer: transferView(transfer), event: appendedView(event) });
    },
  );

  for (const decision of ["accept", "reject"] as const) {
    registry.define(
      router,
      {
        method: "post",
        path: `/api/transfers/:id/${decision}`,
        summary:
          decision === "accept"
            ? "Accept a transfer: become the holder"
            : "Reject a transfer: the sender keeps it",
        tag: "custody",
        access: { roles: "any", others: "hidden" },
        resource: "transfer",
        params: transferIdParams,
        body: decideTransferBody,
        responses: { 200: "{ transfer, event }", 403: "not the receiver", 409: "already decided" },
      },
      async (req, res) => {
        const { params, body } = req;
        const actor = actorOf(res).orgId;
        const result =
          decision === "accept"
            ? await acceptTransfer(ctx, actor, params.id, body.eventTime)
            : await rejectTransfer(ctx, actor, params.id, body);
        res.json({ transfer: transferView(result.transfer), event: appendedView(result.event) });
      },
    );
  }

  registry.define(
    router,
    {
      method: "get",
      path: "/api/transfers/:id",
      summary: "Get a transfer",
      tag: "custody",
      access: { roles: "any", others: "hidden" },
      resource: "transfer",
      params: transferIdParams,
      responses: { 200: "transfer" },
    },
    async (req, res) => {
      const { params } = req;
      const transfer = await getTransfer(ctx, params.id);
      assertSameTenantOrHidden(
        actorOf(res),
        [transfer.fromId.toHexString(), transfer.toId.toHexString()],
        "transfer",
        params.id,
      );
      res.json(transferView(transfer));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/transfers",
      summary: "Transfers the caller sends or receives (all for admins and auditors)",
      tag: "custody",
      access: { roles: "any", others: "none" },
      query: listTransfersQuery,
      responses: { 200: "{ items }" },
    },
    async (req, res) => {
      const { query } = req;
      const actor = actorOf(res);
      const items = await listTransfers(ctx, { ...query, party: canSeeAll(actor) ? undefined : actor.orgId });
      res.json({ items: items.map(transferView) });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/transformations",
      summary: "Process or merge batches: consume inputs, create linked output batches",
      tag: "custody",
      access: { roles: ["processor", "producer"], others: "none" },
      body: createTransformationBody,
      responses: { 201: "{ id, inputs, outputs }", 422: "more than available / not the holder" },
    },
    async (req, res) => {
      const { body } = req;
      const result = await transform(ctx, actorOf(res).orgId, body);
      res.status(201).json({
        id: result.id,
        inputs: result.inputs.map((input) => ({
          batchId: input.batchId.toHexString(),
          quantity: input.quantity,
          eventId: input.eventId.toHexString(),
        })),
        outputs: result.outputs.map((batch) => batchView(batch, base)),
      });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/lineage",
      summary: "The batch graph upstream (to the harvest) or downstream (everything made from it)",
      tag: "custody",
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      query: lineageQuery,
      responses: { 200: "{ root, direction, nodes, edges }" },
    },
    async (req, res) => {
      const { params, query } = req;
      const batch = await findBatch(ctx, params.id);
      assertBatchVisible(res, batch);
      res.json(await lineage(ctx, batch, query.direction));
    },
  );

  return router;
}
