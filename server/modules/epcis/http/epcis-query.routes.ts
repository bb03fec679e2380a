import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { NotFoundError } from "../../../platform/errors";
import { epcisQueryDocument } from "../domain/documents";
import { EVENT_TYPES } from "../domain/simple-event-query";
import { isIdentifierProblem, parseBatchIdentifier } from "../domain/identifiers";
import { CBV_BIZ_STEPS, EPCIS_CONTEXT } from "../domain/vocabulary";
import { runSimpleEventQuery } from "../epcis-query";
import { parsedOrThrow } from "../epcis-named-queries";

const JSON_LD = "application/ld+json";
const rawQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const eventTypeParams = z.strictObject({ eventType: z.enum(EVENT_TYPES) });
const bizStepParams = z.strictObject({ bizStep: z.string().min(1).max(300) });
const epcParams = z.strictObject({ epc: z.string().min(1).max(500) });
const eventIdParams = z.strictObject({ eventID: z.string().min(1).max(500) });

/**
 * The EPCIS 2.0 query interface over REST, as GS1's OpenAPI names its resources, under `/epcis`
 * (decision 0025): the same API keys and tenancy as `/api`, the simple event query parameters,
 * pagination by `perPage` and `nextPageToken` (the next page in a `Link` header), and the
 * `eventTypes`, `bizSteps` and `epcs` resources.
 */
export function epcisQueryRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const base = deps.config.PUBLIC_BASE_URL;
  const tag = "epcis";
  // Lists filtered to what the caller may see; an event of another organization is not found.
  const access = { roles: "any" as const, others: "none" as const };

  const answer = async (req: Request, res: Response, fixed: Record<string, string>) => {
    const query = parsedOrThrow({ ...(req.query as Record<string, unknown>), ...fixed }, "query");
    const { events, nextPageToken } = await runSimpleEventQuery(
      deps.useCaseContext,
      actorOf(res),
      query,
      base,
    );
    epcisHeaders(res);
    linkNextPage(req, res, base, nextPageToken);
    res
      .type(JSON_LD)
      .json(
        epcisQueryDocument(events, { creationDate: deps.useCaseContext.now(), nextCursor: nextPageToken }),
      );
  };

  const parameters =
    "eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_action, EQ_bizStep, EQ_disposition, EQ_/WD_readPoint, EQ_/WD_bizLocation, EQ_transformationID, EQ_eventID, MATCH_epc, MATCH_parentID, MATCH_inputEPC, MATCH_outputEPC, MATCH_anyEPC, MATCH_epcClass, MATCH_inputEPCClass, MATCH_outputEPCClass, MATCH_anyEPCClass, perPage, nextPageToken";

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/events",
      summary: `EPCIS 2.0 events query (SimpleEventQuery): ${parameters}`,
      tag,
      access,
      query: rawQuery,
      responses: {
        200: "EPCISQueryDocument; the next page in Link (rel=next)",
        400: "QueryParameterException naming each parameter",
      },
    },
    (req, res) => answer(req, res, {}),
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/events/:eventID",
      summary: "One event by its eventID (URL-encoded)",
      tag,
      access: { roles: "any", others: "hidden" },
      params: eventIdParams,
      responses: { 200: "EPCISQueryDocument with the event", 404: "no visible event has this eventID" },
    },
    async (req, res) => {
      const query = { lists: { EQ_eventID: [req.params.eventID] }, times: {}, filters: [], perPage: 1 };
      const { events } = await runSimpleEventQuery(deps.useCaseContext, actorOf(res), query, base);
      if (events.length === 0) throw new NotFoundError("event", req.params.eventID);
      epcisHeaders(res);
      res
        .type(JSON_LD)
        .json(epcisQueryDocument(events, { creationDate: deps.useCaseContext.now(), nextCursor: null }));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/eventTypes",
      summary:
        "The EPCIS event types (a Collection); their events under /epcis/eventTypes/{eventType}/events",
      tag,
      access,
      responses: { 200: "Collection" },
    },
    (_req, res) => collection(res, [...EVENT_TYPES]),
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/eventTypes/:eventType/events",
      summary: "Events of one type (same query parameters as /epcis/events)",
      tag,
      access,
      params: eventTypeParams,
      query: rawQuery,
      responses: { 200: "EPCISQueryDocument" },
    },
    (req, res) => answer(req, res, { eventType: req.params.eventType }),
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/bizSteps",
      summary: "The CBV business steps this repository knows (a Collection)",
      tag,
      access,
      responses: { 200: "Collection" },
    },
    (_req, res) => collection(res, [...CBV_BIZ_STEPS]),
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/bizSteps/:bizStep/events",
      summary: "Events of one business step (CBV term or URI; same query parameters as /epcis/events)",
      tag,
      access,
      params: bizStepParams,
      query: rawQuery,
      responses: { 200: "EPCISQueryDocument" },
    },
    (req, res) => answer(req, res, { EQ_bizStep: req.params.bizStep }),
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/epcis/epcs/:epc/events",
      summary:
        "Events naming one identifier (URL-encoded EPC or EPC class: Digital Link, SGTIN, LGTIN, SSCC …), as any EPC or class",
      tag,
      access,
      params: epcParams,
      query: rawQuery,
      responses: { 200: "EPCISQueryDocument" },
    },
    (req, res) => {
      const { epc } = req.params;
      const classLevel = !isIdentifierProblem(parseBatchIdentifier(epc, base));
      return answer(req, res, classLevel ? { MATCH_anyEPCClass: epc } : { MATCH_anyEPC: epc });
    },
  );
  return router;
}

/** The next page of the same request, with its token, in `Link: <…>; rel="next"`. */
export function linkNextPage(req: Request, res: Response, base: string, nextPageToken: string | null): void {
  if (!nextPageToken) return;
  const next = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
  next.set("nextPageToken", nextPageToken);
  res.setHeader("link", `<${base}${req.baseUrl}${req.path}?${next}>; rel="next"`);
}

export function epcisHeaders(res: Response): void {
  res.setHeader("gs1-epcis-version", "2.0.0");
  res.setHeader("gs1-cbv-version", "2.0.0");
}

function collection(res: Response, members: string[]): void {
  epcisHeaders(res);
  res.type(JSON_LD).json({ "@context": EPCIS_CONTEXT, type: "Collection", member: members });
}
