import { emptyBody } from "../../../platform/http/common.schemas";
import { Router } from "express";
import { runAnchorWindow } from "../run-request";
import { listAnchorWindows } from "../anchor-windows";
import { eventProofFor } from "../event-proof";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { eventIdParams, ledgerMapWindowsQuery, listAnchorsQuery, runAnchorsQuery } from "./anchors.schemas";
import { publishedLedgerMapWindows } from "../ledger-map-windows";
import { anchoringBacklog } from "../backlog";

/** Anchoring windows, on-demand runs and per-event Merkle proofs. */
export function anchorRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const tag = "anchoring";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/anchors/run",
      summary: "Anchor pending events now; with ?wait=true, answer once the window is confirmed on chain",
      tag,
      access: { roles: ["admin"], others: "none" },
      query: runAnchorsQuery,
      body: emptyBody,
      responses: {
        200: "{ status: confirmed, windowId, root, leafCount, txHash, blockNumber } (or status idle: nothing pending)",
        202: "{ status: requested, pending }",
        503: "not confirmed within 120 s; the worker keeps trying",
      },
    },
    async (req, res) => {
      const { query } = req;
      const result = await runAnchorWindow(deps.connection, {
        wait: query.wait === "true",
        wake: () => deps.anchorWorker?.wake(),
      });
      res.status(result.status === "requested" ? 202 : 200).json(result);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/anchors/ledger-map",
      summary:
        "Ledger-map changes of each anchored window, by window index: what a monitor replays to recompute every map root on chain (decision 0015)",
      tag,
      access: "public",
      query: ledgerMapWindowsQuery,
      responses: {
        200: "{ items: [{ index, root, mapRoot, changes: [{ key, ledgerId, seq, headHash }], rejections: [{ ledgerId, seqs, reason }] }] }, ascending index",
      },
    },
    async (req, res) => {
      const { query } = req;
      res.setHeader("cache-control", "no-store");
      res.json({ items: await publishedLedgerMapWindows(deps.connection, query) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/anchors",
      summary:
        "Anchoring windows, newest first: state, event count, transaction, gas and fee; the backlog of events not anchored yet",
      tag,
      access: { roles: ["admin", "auditor"], others: "none" },
      query: listAnchorsQuery,
      responses: {
        200: "{ items, nextCursor, lease: { holder, token, expiresAt }, worker, backlog: { pending, lagSeconds } }",
      },
    },
    async (req, res) => {
      res.json({
        ...(await listAnchorWindows(deps.connection, req.query)),
        worker: deps.anchorWorker?.status() ?? null,
        backlog: await anchoringBacklog(deps.connection),
      });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/events/:id/proof",
      summary:
        "Merkle proof of an event against its anchored root, verifiable with the registry's verifyLeaf",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "event",
      params: eventIdParams,
      responses: {
        200: "{ eventHash, leaf, root, proof, leafIndex, windowId, txHash, blockNumber, chainId, registry }",
        403: "another organization's batch event (brand register events are public)",
        404: "unknown event",
        409: "not anchored yet (ANCHOR_PENDING)",
      },
    },
    async (req, res) => {
      const { params } = req;
      res.json(await eventProofFor(deps.useCaseContext, actorOf(res), params.id));
    },
  );

  return router;
}
