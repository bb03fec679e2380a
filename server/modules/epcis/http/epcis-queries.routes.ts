import { Router, type Response } from "express";
import { z } from "zod";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { epcisQueryDocument } from "../domain/documents";
import {
  createNamedQuery,
  deleteNamedQuery,
  getNamedQuery,
  getSubscription,
  listNamedQueries,
  listSubscriptions,
  runNamedQuery,
  subscribe,
  subscriptionView,
  unsubscribe,
} from "../epcis-named-queries";
import type { EpcisNamedQueryDoc } from "../data/epcis-named-query.model";
import { EPCIS_CONTEXT } from "../domain/vocabulary";
import { epcisHeaders, linkNextPage } from "./epcis-query.routes";

const JSON_LD = "application/ld+json";
const queryName = z.string().regex(/^[A-Za-z0-9._~-]{1,100}$/, "must be 1–100 letters, digits, . _ ~ -");
const nameParams = z.strictObject({ name: queryName });
const subscriptionParams = z.strictObject({ name: queryName, subscriptionID: z.string().min(1).max(100) });
const pageQuery = z.strictObject({ perPage: z.string().optional(), nextPageToken: z.string().optional() });
const parameterValue = z.union([
  z.string().max(2000),
  z.array(z.string().max(2000)).max(100),
  z.number(),
  z.boolean(),
]);
const createQueryBody = z.strictObject({
  name: queryName,
  query: z.record(z.string().min(1).max(300), parameterValue),
});
const scheduleField = z.string().max(200).optional();
const subscriptionBody = z.strictObject({
  dest: z.string().min(1).max(2000),
  signatureToken: z.string().min(16).max(200).optional(),
  reportIfEmpty: z.boolean().optional(),
  stream: z.boolean().optional(),
  schedule: z
    .strictObject({
      second: scheduleField,
      minute: scheduleField,
      hour: scheduleField,
      dayOfMonth: scheduleField,
      month: scheduleField,
      dayOfWeek: scheduleField,
    })
    .optional(),
  initialRecordTime: z.iso.datetime({ offset: true }).optional(),
});
const emptyBody = z.strictObject({});

/**
 * Named queries and subscriptions of the EPCIS 2.0 REST binding under `/epcis/queries` (decision
 * 0032): each organization names its own queries; a subscription delivers the query's new matches
 * to a webhook on an allowed host (EPCIS_SUBSCRIPTION_ALLOWED_HOSTS).
 */
export function epcisQueriesRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const base = deps.config.PUBLIC_BASE_URL;
  const tag = "epcis";
  const own = { roles: "any" as const, others: "hidden" as const };
  // The routes naming a subscription too are checked by their own tests (epcis-subscriptions), not
  // by the authorization matrix, whose fixtures name one record per route.
  const resource = "named-query";

  registry.define(
    router,
    {
      method: "post",
      path: "/epcis/queries",
      summary: "Names a simple event query (its parameters as in GET /epcis/events) for this organization",
      tag,
      access: { roles: "any", others: "none" },
      body: createQueryBody,
      responses: {
        201: "the named query; Location: /epcis/queries/{name}",
        400: "QueryParameterException naming each parameter",
        409: "a query of that name exists",
      },
    },
    async (req, res) => {
      const created = await createNamedQuery(ctx, actorOf(res), req.body);
      res
        .status(201)
        .location(`${base}/epcis/queries/${encodeURIComponent(created.name)}`)
        .json(view(created));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/queries",
      summary: "This organization's named queries",
      tag,
      access: { roles: "any", others: "none" },
      responses: { 200: "Collection of named queries" },
    },
    async (_req, res) => {
      collectionOf(res, (await listNamedQueries(ctx, actorOf(res))).map(view));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/queries/:name",
      summary: "One named query of this organization",
      tag,
      access: own,
      resource,
      params: nameParams,
      responses: { 200: "the named query", 404: "no query of this organization has this name" },
    },
    async (req, res) => {
      res.json(view(await getNamedQuery(ctx, actorOf(res), req.params.name)));
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/epcis/queries/:name",
      summary: "Deletes a named query and its subscriptions",
      tag,
      access: own,
      resource,
      params: nameParams,
      body: emptyBody,
      responses: { 204: "deleted", 404: "no query of this organization has this name" },
    },
    async (req, res) => {
      await deleteNamedQuery(ctx, actorOf(res), req.params.name);
      res.status(204).end();
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/queries/:name/events",
      summary: "The named query's events (perPage, nextPageToken)",
      tag,
      access: own,
      resource,
      params: nameParams,
      query: pageQuery,
      responses: { 200: "EPCISQueryDocument; the next page in Link (rel=next)", 404: "no such query" },
    },
    async (req, res) => {
      const page = Object.fromEntries(Object.entries(req.query).filter(([, value]) => value !== undefined));
      const { events, nextPageToken } = await runNamedQuery(ctx, actorOf(res), req.params.name, page, base);
      epcisHeaders(res);
      linkNextPage(req, res, base, nextPageToken);
      res.type(JSON_LD).json(
        epcisQueryDocument(events, {
          creationDate: ctx.now(),
          nextCursor: nextPageToken,
          queryName: req.params.name,
        }),
      );
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/epcis/queries/:name/subscriptions",
      summary:
        "Subscribes a webhook (dest, on an allowed host) to the named query: stream: true, or a schedule; optional signatureToken (HMAC-SHA256 of each body in GS1-Signature), reportIfEmpty, initialRecordTime",
      tag,
      access: own,
      resource,
      params: nameParams,
      body: subscriptionBody,
      responses: {
        201: "the subscription; Location: …/subscriptions/{subscriptionID}",
        400: "a destination not allowed, stream and schedule both or neither, an invalid schedule",
        404: "no such query",
      },
    },
    async (req, res) => {
      const created = await subscribe(
        ctx,
        actorOf(res),
        req.params.name,
        req.body,
        deps.config.EPCIS_SUBSCRIPTION_ALLOWED_HOSTS,
      );
      const shown = subscriptionView(created);
      res
        .status(201)
        .location(
          `${base}/epcis/queries/${encodeURIComponent(req.params.name)}/subscriptions/${shown.subscriptionID}`,
        )
        .json(shown);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/queries/:name/subscriptions",
      summary: "The named query's subscriptions",
      tag,
      access: own,
      resource,
      params: nameParams,
      responses: { 200: "Collection of subscriptions", 404: "no such query" },
    },
    async (req, res) => {
      const subscriptions = await listSubscriptions(ctx, actorOf(res), req.params.name);
      collectionOf(res, subscriptions.map(subscriptionView));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/queries/:name/subscriptions/:subscriptionID",
      summary: "One subscription, with its delivery state",
      tag,
      access: own,
      params: subscriptionParams,
      responses: { 200: "the subscription", 404: "no such query or subscription" },
    },
    async (req, res) => {
      res.json(
        subscriptionView(
          await getSubscription(ctx, actorOf(res), req.params.name, req.params.subscriptionID),
        ),
      );
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/epcis/queries/:name/subscriptions/:subscriptionID",
      summary: "Ends a subscription",
      tag,
      access: own,
      params: subscriptionParams,
      body: emptyBody,
      responses: { 204: "deleted", 404: "no such query or subscription" },
    },
    async (req, res) => {
      await unsubscribe(ctx, actorOf(res), req.params.name, req.params.subscriptionID);
      res.status(204).end();
    },
  );
  return router;
}

function view(query: Pick<EpcisNamedQueryDoc, "name" | "parameters" | "createdAt">) {
  return { name: query.name, query: query.parameters, createdAt: query.createdAt.toISOString() };
}

function collectionOf(res: Response, members: unknown[]): void {
  epcisHeaders(res);
  res.type(JSON_LD).json({ "@context": EPCIS_CONTEXT, type: "Collection", member: members });
}
