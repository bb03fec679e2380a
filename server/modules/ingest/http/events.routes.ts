import { Router } from "express";
import { recordEvent } from "../record-event";
import { recordEvents } from "../record-events";
import { appendedView, batchIdParams, createEventsBody, MAX_BULK_EVENTS, newEventInput } from "../../batches";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";

/** Recording events on a batch's ledger, one or a bulk of them (listed with the batch routes). */
export function eventRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const tag = "batches";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/batches/:id/events",
      summary: "Record an event (inspection, storage, packing, sale, recall…) on a batch's hash chain",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      body: newEventInput,
      responses: {
        201: "{ id, seq, hash, prevHash }",
        403: "not holder/producer",
        422: "batch state forbids it",
      },
    },
    async (req, res) => {
      const { params, body } = req;
      const event = await recordEvent(ctx, actorOf(res), params.id, body);
      res.status(201).json(appendedView(event));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/batches/:id/events/bulk",
      summary: `Record up to ${MAX_BULK_EVENTS} events on a batch's hash chain in one commit, all or nothing (same checks as one event, in order)`,
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      body: createEventsBody,
      responses: {
        201: "{ events: [{ id, seq, hash, prevHash }] } in the order given, with consecutive seq",
        403: "not holder/producer (names the event)",
        422: "batch state forbids an event (names it)",
      },
    },
    async (req, res) => {
      const { params, body } = req;
      const events = await recordEvents(ctx, actorOf(res), params.id, body.events);
      res.status(201).json({ events: events.map(appendedView) });
    },
  );

  return router;
}
