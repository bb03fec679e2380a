import type { AnchorWindowDoc } from "./data/anchor-window.model";
import type { Logger } from "../../platform/logger";
import { AnchorTransactions, RootAlreadyAnchoredError } from "./anchor-transactions";
import type { FaultHook } from "./faults";
import type { Lease } from "./lease";
import { decideWindowAction } from "./domain/window-decision";
import type { WindowStore } from "./data/window-store";
import type { LedgerMapStore } from "./data/ledger-map-store";

export interface DriverContext {
  store: WindowStore;
  maps: LedgerMapStore;
  transactions: AnchorTransactions;
  lease: Lease;
  logger: Logger;
  fault: FaultHook;
  confirmations: number;
  stuckTxMs: number;
  now(): number;
}

/** A step failed in a way that calls for backing off before the next try. */
export class AnchoringStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AnchoringStepError";
  }
}

/**
 * Moves one unfinished window as far as it can go now. Returns true when the window is finished
 * (completed or abandoned), false when it waits for the chain. Used alike for the window this
 * worker just recorded and for windows found at start-up or take-over, so reconciliation is the
 * normal path rather than a special one.
 */
export async function advanceWindow(ctx: DriverContext, window: AnchorWindowDoc): Promise<boolean> {
  const log = ctx.logger.child({ windowId: window._id.toHexString(), root: window.root ?? undefined });
  switch (window.state) {
    case "claiming":
      if (await ctx.store.abandon(window._id, "the worker stopped or lost its lease while claiming events")) {
        log.warn("abandoned a window that never got a root; its events go into the next window");
      }
      return true;
    case "recorded":
    case "submitted":
      if (!(await driveOnChain(ctx, window, log))) return false;
      break;
    case "confirmed":
      break;
    default:
      return true;
  }
  await ctx.maps.applyWindow(window._id);
  if (await ctx.store.complete(window._id)) {
    log.info({ leafCount: window.leafCount }, "window completed");
  }
  return true;
}

/** Returns true once the window is confirmed. */
async function driveOnChain(ctx: DriverContext, window: AnchorWindowDoc, log: Logger): Promise<boolean> {
  const root = window.root!;
  const attempts = window.attempts ?? [];
  const facts = await ctx.transactions.facts(root, attempts);
  const action = decideWindowAction(
    attempts.map((attempt) => ({
      txHash: attempt.txHash,
      nonce: attempt.nonce,
      sentAtMs: new Date(attempt.sentAt).getTime(),
      maxFeePerGas: BigInt(attempt.maxFeePerGas),
      maxPriorityFeePerGas: BigInt(attempt.maxPriorityFeePerGas),
    })),
    facts,
    { confirmations: ctx.confirmations, stuckTxMs: ctx.stuckTxMs, nowMs: ctx.now() },
  );
  switch (action.kind) {
    case "wait":
      log.debug({ reason: action.reason }, "waiting for the chain");
      return false;
    case "confirm": {
      const confirmed = await ctx.store.confirm(window, {
        ...action,
        anchoredAt: new Date(facts.anchoredAtSec * 1000),
        windowIndex: facts.windowIndex,
      });
      if (!confirmed) return false;
      ctx.transactions.announceAnchored();
      log.info(
        { txHash: action.txHash, blockNumber: action.blockNumber, gasUsed: action.gasUsed?.toString() },
        "window confirmed on chain",
      );
      ctx.fault("exit-after-confirmed");
      return true;
    }
    case "send":
      if (action.failure) {
        await ctx.store.reopen(window, action.failure);
        throw new AnchoringStepError(action.failure);
      }
      if (attempts.length > 0)
        log.warn({ reason: action.reason }, "sending the window again with a new nonce");
      await send(ctx, window, log);
      return false;
    case "rebroadcast": {
      ctx.lease.assertHeld();
      const result = await ctx.transactions.broadcast(attempts.at(-1)!.raw);
      log.info(
        { txHash: window.txHash, result, reason: action.reason },
        "broadcast the stored transaction again",
      );
      return false;
    }
    case "replace":
      await replace(ctx, window, log, action.reason);
      return false;
  }
}

/**
 * Signs, stores, then broadcasts. Stored first, so a crash after broadcasting cannot lose track
 * of a transaction that may be mined; a crash before broadcasting leaves a transaction the node
 * does not know, which the next look rebroadcasts.
 */
async function send(ctx: DriverContext, window: AnchorWindowDoc, log: Logger): Promise<void> {
  ctx.lease.assertHeld();
  let attempt;
  try {
    attempt = await ctx.transactions.signNew(window.root!, window.mapRoot!, window.leafCount);
  } catch (error) {
    if (error instanceof RootAlreadyAnchoredError) return; // the next look confirms it
    throw error;
  }
  if (!(await ctx.store.addAttempt(window, attempt))) return;
  ctx.fault("exit-after-submitted");
  ctx.lease.assertHeld();
  const result = await ctx.transactions.broadcast(attempt.raw);
  log.info(
    { txHash: attempt.txHash, nonce: attempt.nonce, leafCount: window.leafCount, result },
    "anchoring transaction sent",
  );
  ctx.fault("exit-after-broadcast");
}

async function replace(
  ctx: DriverContext,
  window: AnchorWindowDoc,
  log: Logger,
  reason: string,
): Promise<void> {
  ctx.lease.assertHeld();
  const previous = window.attempts.at(-1)!;
  const attempt = await ctx.transactions.signReplacement(previous);
  if (!attempt) {
    log.warn(
      { txHash: previous.txHash, reason },
      "transaction is stuck but the fee cap allows no higher fee",
    );
    return;
  }
  if (!(await ctx.store.addAttempt(window, attempt))) return;
  ctx.lease.assertHeld();
  const result = await ctx.transactions.broadcast(attempt.raw);
  log.warn(
    {
      replaced: previous.txHash,
      txHash: attempt.txHash,
      nonce: attempt.nonce,
      maxFeePerGas: attempt.maxFeePerGas,
      reason,
      result,
    },
    "replaced a stuck anchoring transaction (same nonce, higher fee)",
  );
}
