import { Router } from "express";
import { Types } from "mongoose";
import type { z } from "zod";
import { AnchorProofs } from "../proof";
import { runAnchorWindow } from "../run-request";
import { anchorWindowModel, type AnchorWindowDoc } from "../data/anchor-window.model";
import { leaseId, leaseModel, type LeaseDoc } from "../data/lease.model";
import { ANCHORING_LEASE } from "../lease";
import { findBatch } from "../../batches/batches";
import type { AppDeps } from "../../../main/app";
import type { RouteRegistry } from "../../../platform/http/route-registry";
import { eventIdParams, ledgerMapWindowsQuery, listAnchorsQuery, runAnchorsQuery } from "./anchors.schemas";
import { publishedLedgerMapWindows } from "../ledger-map-windows";
import { validated } from "../../../platform/http/validation";
import { assertBatchVisible } from "../../batches/http/batches.routes";

/** Anchoring windows, on-demand runs and per-event Merkle proofs. */
export function anchorRoutes(deps: AppDeps, registry: RouteRegistry): Router {
  const router = Router();
  const tag = "anchoring";
  const proofs = new AnchorProofs(deps.connection);

  registry.define(
    router,
    {
      method: "post",
      path: "/api/anchors/run",
      summary: "Anchor pending events now; with ?wait=true, answer once the window is confirmed on chain",
      tag,
      access: { roles: ["admin"] },
      query: runAnchorsQuery,
      responses: {
        200: "{ status: confirmed, windowId, root, leafCount, txHash, blockNumber } (or status idle: nothing pending)",
        202: "{ status: requested, pending }",
        503: "not confirmed within 120 s; the worker keeps trying",
      },
    },
    async (_req, res) => {
      const { query } = validated<unknown, z.infer<typeof runAnchorsQuery>>(res);
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
    async (_req, res) => {
      const { query } = validated<unknown, z.infer<typeof ledgerMapWindowsQuery>>(res);
      res.setHeader("cache-control", "no-store");
      res.json({ items: await publishedLedgerMapWindows(deps.connection, query) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/anchors",
      summary: "Anchoring windows, newest first: state, event count, transaction, gas and fee",
      tag,
      access: { roles: ["admin", "auditor"] },
      query: listAnchorsQuery,
      responses: { 200: "{ items, nextCursor, lease: { holder, token, expiresAt }, worker }" },
    },
    async (_req, res) => {
      const { query } = validated<unknown, z.infer<typeof listAnchorsQuery>>(res);
      const filter: Record<string, unknown> = {};
      if (query.state) filter.state = query.state;
      if (query.cursor) filter._id = { $lt: new Types.ObjectId(query.cursor) };
      const windows = (await anchorWindowModel(deps.connection)
        .collection.find(filter, { projection: { "attempts.raw": 0 } })
        .sort({ _id: -1 })
        .limit(query.limit + 1)
        .toArray()) as unknown as AnchorWindowDoc[];
      const page = windows.slice(0, query.limit);
      const lease = (await leaseModel(deps.connection).collection.findOne({
        _id: leaseId(ANCHORING_LEASE),
      })) as LeaseDoc | null;
      res.json({
        items: page.map(windowView),
        nextCursor: windows.length > query.limit ? page.at(-1)!._id.toHexString() : null,
        lease:
          lease?.holder && lease.expiresAtMs > Date.now()
            ? {
                holder: lease.holder,
                token: lease.token,
                expiresAt: new Date(lease.expiresAtMs).toISOString(),
              }
            : null,
        worker: deps.anchorWorker?.status() ?? null,
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
      access: { roles: "any" },
      params: eventIdParams,
      responses: {
        200: "{ eventHash, leaf, root, proof, leafIndex, windowId, txHash, blockNumber, chainId, registry }",
        403: "another organization's batch event (brand register events are public)",
        404: "unknown event",
        409: "not anchored yet (ANCHOR_PENDING)",
      },
    },
    async (_req, res) => {
      const { params } = validated<z.infer<typeof eventIdParams>>(res);
      const event = await proofs.findEvent(params.id);
      // A brand's licence register is public (GET /api/brands/:id/events); batch events are not.
      if (event.subject !== "brand") {
        assertBatchVisible(res, await findBatch(deps.useCaseContext, event.batchId.toHexString()));
      }
      res.json(await proofs.proofOf(event));
    },
  );

  return router;
}

function windowView(window: AnchorWindowDoc) {
  const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
  return {
    id: window._id.toHexString(),
    state: window.state,
    root: window.root,
    leafCount: window.leafCount,
    chainId: window.chainId,
    registry: window.registry,
    txHash: window.txHash,
    nonce: window.nonce,
    attempts: (window.attempts ?? []).map((attempt) => ({
      txHash: attempt.txHash,
      nonce: attempt.nonce,
      maxFeePerGas: attempt.maxFeePerGas,
      maxPriorityFeePerGas: attempt.maxPriorityFeePerGas,
      sentAt: iso(attempt.sentAt),
    })),
    blockNumber: window.blockNumber,
    gasUsed: window.gasUsed,
    gasPerEvent: window.gasUsed !== null && window.leafCount > 0 ? window.gasUsed / window.leafCount : null,
    fee: window.fee,
    holder: window.holder,
    createdAt: iso(window.createdAt),
    recordedAt: iso(window.recordedAt),
    submittedAt: iso(window.submittedAt),
    confirmedAt: iso(window.confirmedAt),
    completedAt: iso(window.completedAt),
    anchoredAt: iso(window.anchoredAt),
    rolledBackAt: iso(window.rolledBackAt),
    lastError: window.lastError,
  };
}
