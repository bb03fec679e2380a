import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Connection, Types } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import type { Hex } from "../../platform/crypto/keccak";
import {
  buildMerkleTreeOffThread,
  MERKLE_OFF_THREAD_THRESHOLD,
  warmMerkleWorker,
} from "../../platform/crypto/merkle-off-thread";
import { knownMerkleTrees } from "../../platform/crypto/merkle";
import type { Logger } from "../../platform/logger";
import { AnchorTransactions } from "./anchor-transactions";
import { TraceEventRepository } from "../ledger";
import { backoffDelay } from "./backoff";
import { unrecordedEvents } from "./backlog";
import { faultInjector, type FaultHook, type FaultPoint } from "./faults";
import { Lease, LeaseLostError } from "./lease";
import { reconcileOnTakeOver } from "./reconcile";
import { ChainWatch } from "./chain-watch";
import { packWindow, type ClaimedEvent } from "./window-codec";
import { timeSlicer } from "../../platform/threads/time-slice";
import { advanceWindow, type DriverContext } from "./window-driver";
import { WindowStore } from "./data/window-store";
import { LedgerMapCache } from "./ledger-map-cache";
import { planWindowMap } from "./window-map";

export interface AnchorWorkerOptions {
  intervalMs: number;
  maxLeaves: number;
  confirmations: number;
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  stuckTxMs: number;
  feeBumpPercent: number;
  maxFeePerGas?: bigint;
  /** How often a window in flight is looked at (receipt, confirmations, stuck transaction). */
  inFlightPollMs: number;
  fault?: FaultPoint;
}

export type WorkerRole = "stopped" | "standby" | "leader";

export interface AnchorWorkerStatus {
  instanceId: string;
  role: WorkerRole;
  leaseToken: number | null;
  consecutiveFailures: number;
  /** The wait before the next retry; 0 when the last step succeeded. */
  backoffMs: number;
  /** The last waits chosen after failures, oldest first (at most 20). */
  recentBackoffsMs: number[];
  lastError: string | null;
  lastWindowId: string | null;
}

/**
 * The anchoring worker. Every step it holds (or tries to take) the lease; as holder it drives
 * unfinished windows from the chain's facts, then opens a new window when one is due: every
 * `intervalMs`, at once when `maxLeaves` events are pending, or when someone asked for a run.
 * One window is in flight at a time, so one nonce is in use at a time. Failures back off
 * exponentially up to `backoffMaxMs`; events keep being accepted meanwhile.
 */
export class AnchorWorker {
  readonly instanceId: string;
  private readonly options: AnchorWorkerOptions;
  private readonly logger: Logger;
  private readonly connection: Connection;
  private readonly chain: ChainClient;
  private readonly lease: Lease;
  private readonly store: WindowStore;
  private readonly maps: LedgerMapCache;
  private readonly transactions: AnchorTransactions;
  private readonly fault: FaultHook;
  private readonly chainWatch: ChainWatch;
  private readonly onChainReset: (reason: string) => Promise<void>;

  private role: WorkerRole = "stopped";
  private loopDone: Promise<void> | undefined;
  private stopping = false;
  private wakeRequested = false;
  private wakeSleeper: (() => void) | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private reconciled = false;
  private failures = 0;
  private backoffMs = 0;
  private recentBackoffsMs: number[] = [];
  private lastError: string | null = null;
  private lastWindowId: Types.ObjectId | null = null;
  private lastWindowAtMs = 0;
  private runRequestedAtMs = 0;
  private runHandledAtMs = 0;

  constructor(deps: {
    connection: Connection;
    chain: ChainClient;
    logger: Logger;
    options: AnchorWorkerOptions;
    instanceId?: string;
    fault?: FaultHook;
    /**
     * Runs when the chain looks reset, before windows are reconciled: make the chain usable again
     * (embedded mode redeploys the registry) and restore what the service relayed to it earlier.
     */
    onChainReset?: (reason: string) => Promise<void>;
  }) {
    this.options = deps.options;
    this.connection = deps.connection;
    this.chain = deps.chain;
    this.instanceId = deps.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.logger = deps.logger.child({ component: "anchoring", instance: this.instanceId });
    this.lease = new Lease(deps.connection, this.instanceId, deps.options.leaseMs);
    this.store = new WindowStore(deps.connection);
    this.maps = new LedgerMapCache(deps.connection);
    this.transactions = new AnchorTransactions(deps.chain, {
      feeBumpPercent: deps.options.feeBumpPercent,
      maxFeePerGas: deps.options.maxFeePerGas,
    });
    this.fault = deps.fault ?? faultInjector(deps.options.fault);
    this.chainWatch = new ChainWatch(deps.connection, deps.chain);
    this.onChainReset = deps.onChainReset ?? (() => Promise.resolve());
  }

  start(): void {
    if (this.loopDone) return;
    // Large windows are built on a worker thread; start it now so the first one does not wait.
    if (this.options.maxLeaves >= MERKLE_OFF_THREAD_THRESHOLD) warmMerkleWorker();
    this.stopping = false;
    this.role = "standby";
    this.logger.info(
      {
        intervalMs: this.options.intervalMs,
        maxLeaves: this.options.maxLeaves,
        confirmations: this.options.confirmations,
      },
      "anchoring worker started",
    );
    this.loopDone = this.loop();
  }

  /** Stops after the current step and hands the lease over at once. */
  async stop(): Promise<void> {
    if (!this.loopDone) return;
    this.stopping = true;
    this.wake();
    await this.loopDone;
    this.loopDone = undefined;
    this.stopRenewing();
    await this.lease.release().catch((error: unknown) => {
      this.logger.warn({ err: error }, "could not release the anchoring lease; it will expire");
    });
    this.role = "stopped";
    this.logger.info("anchoring worker stopped");
  }

  /** Ends the current wait early (a run was requested on this instance). */
  wake(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
  }

  status(): AnchorWorkerStatus {
    return {
      instanceId: this.instanceId,
      role: this.role,
      leaseToken: this.lease.token,
      consecutiveFailures: this.failures,
      backoffMs: this.backoffMs,
      recentBackoffsMs: [...this.recentBackoffsMs],
      lastError: this.lastError,
      lastWindowId: this.lastWindowId?.toHexString() ?? null,
    };
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let delay: number;
      try {
        delay = await this.step();
        this.failures = 0;
        this.backoffMs = 0;
      } catch (error) {
        delay = this.onFailure(error);
      }
      await this.sleep(delay);
    }
  }

  private onFailure(error: unknown): number {
    if (error instanceof LeaseLostError) {
      this.logger.warn({ reason: error.message }, "lost the anchoring lease; standing by");
      this.becomeStandby();
      return this.standbyPollMs();
    }
    this.failures += 1;
    this.backoffMs = backoffDelay(this.failures, {
      baseMs: this.options.backoffBaseMs,
      maxMs: this.options.backoffMaxMs,
    });
    this.recentBackoffsMs = [...this.recentBackoffsMs, this.backoffMs].slice(-20);
    this.lastError = describe(error);
    this.logger.warn(
      { err: this.lastError, consecutiveFailures: this.failures, retryInMs: this.backoffMs },
      "anchoring step failed; backing off",
    );
    return this.backoffMs;
  }

  /** One pass; returns how long to wait before the next one. */
  private async step(): Promise<number> {
    if (!(await this.holdLease())) return this.standbyPollMs();
    const reset = await this.chainWatch.resetReason();
    if (reset) {
      this.logger.error({ reason: reset }, "the chain was reset; restoring and re-anchoring");
      await this.onChainReset(reset);
      this.reconciled = false;
    }
    if (!this.reconciled) {
      const { rolledBack } = await reconcileOnTakeOver(this.store, this.transactions, this.logger);
      if (reset) this.logger.warn({ rolledBack }, "windows the chain forgot go out again");
      this.reconciled = true;
    }
    await this.chainWatch.remember(reset !== null);
    const context = this.driverContext();
    for (const window of await this.store.unfinished()) {
      if (!(await advanceWindow(context, window))) return this.options.inFlightPollMs;
    }
    await this.store.sweepAbandoned(new Date(Date.now() - 10 * this.options.leaseMs));
    if (!(await this.isWindowDue())) return Math.min(1_000, this.options.intervalMs);
    // A window left empty (all its events wait for a predecessor) is not tried again at once.
    return (await this.openWindow()) ? 0 : Math.min(1_000, this.options.intervalMs);
  }

  private async holdLease(): Promise<boolean> {
    if (this.role === "leader") {
      const lease = await this.lease.renew();
      if (!lease) throw new LeaseLostError();
      this.runRequestedAtMs = lease.runRequestedAtMs ?? 0;
      return true;
    }
    const lease = await this.lease.acquire();
    if (!lease) {
      this.role = "standby";
      return false;
    }
    this.role = "leader";
    this.reconciled = false;
    // The period starts now: a new holder finishes unfinished windows at once, new ones wait.
    this.lastWindowAtMs = Date.now();
    this.runRequestedAtMs = lease.runRequestedAtMs ?? 0;
    this.startRenewing();
    this.logger.info({ leaseToken: lease.token }, "holding the anchoring lease");
    return true;
  }

  private async isWindowDue(): Promise<boolean> {
    // Whether anything waits is read from the events (one, along the anchor index): an event can
    // be unclaimed again without changing the stored count (released, or reset in the database).
    if (!(await new TraceEventRepository(this.connection).oldestUnanchored())) {
      this.runHandledAtMs = this.runRequestedAtMs;
      return false;
    }
    // Unfinished windows were driven before this: what no recorded window holds is unclaimed.
    const pending = await unrecordedEvents(this.connection);
    return (
      pending >= this.options.maxLeaves ||
      this.runRequestedAtMs > this.runHandledAtMs ||
      Date.now() - this.lastWindowAtMs >= this.options.intervalMs
    );
  }

  /**
   * Opens a window: the window document first, then the claim, then the ledger map (events whose
   * predecessor is not anchored yet are released for a later window) and the tree, then `recorded`
   * (roots, leaf list, map changes) with a compare-and-set on `claiming`: if another worker
   * abandoned the window meanwhile, its claims are released and this worker stands down. Returns
   * whether a window was recorded.
   */
  private async openWindow(): Promise<boolean> {
    this.lease.assertHeld();
    this.lastWindowAtMs = Date.now();
    this.runHandledAtMs = this.runRequestedAtMs;
    const windowId = await this.store.open({
      holder: this.instanceId,
      leaseToken: this.lease.token!,
      chainId: Number(this.chain.chainId),
      registry: this.chain.registryAddress,
    });
    const claimed = await this.store.claim(windowId, this.options.maxLeaves);
    this.fault("exit-after-claimed");
    let recorded = false;
    let mapMoved = false;
    try {
      const { map, changes, rejections, deferredIds } = await planWindowMap(
        this.connection,
        this.maps,
        claimed,
      );
      mapMoved = changes.length > 0;
      const { deferred, anchored } = await splitDeferred(claimed, deferredIds);
      await this.store.releaseEvents(
        windowId,
        deferred.map((event) => event._id),
      );
      if (anchored.length === 0) {
        const reason =
          claimed.length === 0
            ? "no unanchored event was left to claim"
            : "every claimed event waits for its predecessor to be anchored";
        await this.store.abandon(windowId, reason);
        return false;
      }
      const packed = await packWindow(anchored);
      const started = performance.now();
      const tree = await buildMerkleTreeOffThread(packed.leafHashes as Hex[]);
      const buildMs = Math.round(performance.now() - started);
      recorded = await this.store.record(windowId, {
        root: tree.root,
        mapRoot: map.root,
        leafCount: anchored.length,
        leaves: packed.leaves,
        eventIds: packed.eventIds,
        mapChanges: changes.map(({ key, value }) => ({ key, ...value })),
        mapRejections: rejections,
        oldestRecordTime: packed.oldestRecordTime,
      });
      if (recorded) {
        this.maps.remember(windowId, map);
        // Proofs and verifications of this window take the tree from here, not from a rebuild.
        knownMerkleTrees.keep(tree);
      }
      for (const rejection of rejections)
        this.logger.warn({ windowId: windowId.toHexString(), ...rejection }, "ledger map refused events");
      this.logger.info(
        {
          windowId: windowId.toHexString(),
          root: tree.root,
          mapRoot: map.root,
          leafCount: anchored.length,
          deferred: deferred.length,
          mapChanges: changes.length,
          buildMs,
        },
        "window recorded",
      );
    } finally {
      // The cached map was moved for this window: without the window it must be rebuilt.
      if (!recorded && mapMoved) this.maps.forget();
    }
    if (!recorded) {
      await this.store.releaseClaims(windowId);
      throw new LeaseLostError("another worker abandoned this window while it was claiming events");
    }
    this.lastWindowId = windowId;
    this.fault("exit-after-recorded");
    return true;
  }

  private driverContext(): DriverContext {
    return {
      store: this.store,
      maps: this.maps.store,
      transactions: this.transactions,
      lease: this.lease,
      logger: this.logger,
      fault: this.fault,
      confirmations: this.options.confirmations,
      stuckTxMs: this.options.stuckTxMs,
      now: Date.now,
    };
  }

  private becomeStandby(): void {
    this.role = "standby";
    this.stopRenewing();
    this.lease.forget();
  }

  /** Renews in the background too, so a long step (a big tree, many events to mark) keeps the lease. */
  private startRenewing(): void {
    this.stopRenewing();
    this.renewTimer = setInterval(
      () => {
        this.lease.renew().catch((error: unknown) => {
          this.logger.debug({ err: describe(error) }, "lease renewal failed; retrying");
        });
      },
      Math.max(100, Math.floor(this.options.leaseMs / 3)),
    );
    this.renewTimer.unref();
  }

  private stopRenewing(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private standbyPollMs(): number {
    return Math.min(1_000, Math.max(50, Math.floor(this.options.leaseMs / 3)));
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping || this.wakeRequested || ms <= 0) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        this.wakeRequested = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }
}

/** The claimed events to leave for a later window, and the rest; in time slices (10,000 ids). */
async function splitDeferred(claimed: readonly ClaimedEvent[], deferredIds: ReadonlySet<string>) {
  const deferred: ClaimedEvent[] = [];
  const anchored: ClaimedEvent[] = [];
  if (deferredIds.size === 0) return { deferred, anchored: [...claimed] };
  const pause = timeSlicer();
  for (const event of claimed) {
    await pause();
    (deferredIds.has(event._id.toHexString()) ? deferred : anchored).push(event);
  }
  return { deferred, anchored };
}

function describe(error: unknown): string {
  const { shortMessage, message } = (error ?? {}) as { shortMessage?: string; message?: string };
  return shortMessage ?? message ?? String(error);
}
