import express, { Router, type RequestHandler } from "express";
import { checkJsonBytes } from "../../../platform/http/json-body";
import { findBatch, batchIdParams, assertBatchVisible } from "../../batches";
import { captureEpcisDocument, getCapture } from "../epcis-capture";
import { fromCaptureTexts, type CheckedCapture, type CheckedCaptureTexts } from "../epcis-capture-check";
import type { CaptureCheckTask } from "../epcis-capture-check.task";
import { exportBatchHistory, getEpcisEvent, queryEpcisEvents } from "../epcis-export";
import type { ApiRegistry, HttpDeps, RequestLimits } from "../../http-deps";
import { actorOf, canSeeAll } from "../../organizations";
import { NotFoundError, ValidationError } from "../../../platform/errors";
import { bodyWithinLimit } from "../../../platform/http/body-limit";
import { ownBuffer, runOffThread } from "../../../platform/threads/off-thread-pool";
import { captureBody, captureIdParams, epcisEventParams, epcisEventsQuery } from "./epcis.schemas";

const JSON_LD = "application/ld+json";

/**
 * Reads capture documents before the service-wide JSON parser: EPCIS documents are sent as
 * `application/ld+json` and may hold thousands of events, more than BODY_LIMIT allows elsewhere.
 * The bytes (at most CAPTURE_MAX_MB) are parsed, counted, schema-checked and hashed in the worker
 * pool (decision 0021); the route receives the parsed document and the check's result.
 */
export function epcisCaptureBodyParser(
  limits: Pick<RequestLimits, "CAPTURE_MAX_MB" | "CAPTURE_MAX_EVENTS">,
): RequestHandler {
  const readBytes = bodyWithinLimit(
    express.raw({ limit: limits.CAPTURE_MAX_MB * 2 ** 20, type: ["application/json", JSON_LD] }),
    { key: "CAPTURE_MAX_MB", megabytes: limits.CAPTURE_MAX_MB },
  );
  return (req, res, next) => {
    if (req.method !== "POST") return next();
    readBytes(req, res, (error?: unknown) => {
      if (error || !Buffer.isBuffer(req.body)) return next(error);
      try {
        checkJsonBytes(req, req.body);
      } catch (refused) {
        return next(refused);
      }
      runOffThread<CaptureCheckTask, CheckedCaptureTexts>(
        { filename: require.resolve("../epcis-capture-check.task"), name: "checkCaptureBody" },
        { body: req.body, maxEvents: limits.CAPTURE_MAX_EVENTS },
        { transfer: ownBuffer(req.body) },
      )
        .then(fromCaptureTexts)
        .then((checked) => {
          req.body = checked.document;
          res.locals.checkedCapture = checked;
          next();
        }, next);
    });
  };
}

/** GS1 EPCIS 2.0: event queries, batch histories and capture (decision 0006). */
export function epcisRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const base = deps.config.PUBLIC_BASE_URL;
  const tag = "epcis";

  registry.define(
    router,
    {
      method: "get",
      path: "/api/epcis/events",
      summary:
        "EPCIS 2.0 event query: EPCISQueryDocument of the events of visible batches (next page in Link)",
      tag,
      access: { roles: "any", others: "none" },
      query: epcisEventsQuery,
      responses: { 200: "EPCISQueryDocument (application/ld+json)" },
    },
    async (req, res) => {
      const { query } = req;
      const { document, nextCursor } = await queryEpcisEvents(ctx, actorOf(res), query, base);
      if (nextCursor) {
        // The caller's own query, as sent (not as parsed: no defaults added), with the next cursor.
        const next = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
        next.set("cursor", nextCursor);
        res.setHeader("link", `<${base}/api/epcis/events?${next.toString()}>; rel="next"`);
      }
      res.type(JSON_LD).json(document);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/epcis/events/:id",
      summary: "One event as EPCIS 2.0 (what the eventIDs of exported events resolve to)",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "event",
      params: epcisEventParams,
      responses: {
        200: "EPCISQueryDocument with one event",
        403: "another organization's batch",
        404: "unknown",
      },
    },
    async (req, res) => {
      const { params } = req;
      const { seenBy, document } = await getEpcisEvent(ctx, params.id, base);
      if (seenBy.batch) assertBatchVisible(res, seenBy.batch);
      // An observation is its organization's (decision 0031): others do not learn it exists.
      else if (!canSeeAll(actorOf(res)) && seenBy.logOf !== actorOf(res).orgId)
        throw new NotFoundError("event", params.id);
      res.type(JSON_LD).json(document);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/epcis",
      summary: "A batch's history as an EPCIS 2.0 EPCISDocument",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      responses: { 200: "EPCISDocument (application/ld+json)", 403: "another organization's batch" },
    },
    async (req, res) => {
      const { params } = req;
      const batch = await findBatch(ctx, params.id);
      assertBatchVisible(res, batch);
      res.type(JSON_LD).json(await exportBatchHistory(ctx, batch, base));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/epcis/capture",
      summary:
        "Capture an EPCIS 2.0 EPCISDocument: validated whole against GS1's schema and our rules, then recorded whole, or refused with every reason",
      tag,
      access: { roles: "any", others: "none" },
      body: captureBody,
      responses: {
        201: "{ captureId, state, events: [{ index, eventID, batchId, eventId, seq, hash, createdBatch }] }",
        200: "the same document was captured before: its result (replayed: true)",
        400: "not valid EPCIS 2.0 JSON (every schema problem listed)",
        409: "being captured by another request, or interrupted: post it again",
        413: "LIMIT_EXCEEDED: larger than CAPTURE_MAX_MB or more events than CAPTURE_MAX_EVENTS",
        422: "EPCIS_CAPTURE_REJECTED: details.events lists every event that cannot be recorded, with reasons",
      },
    },
    async (req, res) => {
      const checked = res.locals.checkedCapture as CheckedCapture | undefined;
      if (!checked)
        throw ValidationError.forField("body", "must be sent as application/json or application/ld+json");
      const outcome = await captureEpcisDocument(ctx, actorOf(res), checked, { base });
      res.status(outcome.status).json(outcome.view);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/epcis/capture/:id",
      summary: "A capture's state and per-event results",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "capture",
      params: captureIdParams,
      responses: { 200: "capture", 404: "unknown capture (or another organization's)" },
    },
    async (req, res) => {
      const { params } = req;
      res.json(await getCapture(ctx, actorOf(res), params.id));
    },
  );

  return router;
}
