import type { AnchorWorkerOptions } from "../modules/anchoring";
import type { Config } from "./config";

/** The anchoring worker's options from the configuration (ANCHOR_*). */
export function anchorWorkerOptions(config: Config): AnchorWorkerOptions {
  return {
    intervalMs: config.ANCHOR_INTERVAL_MS,
    maxLeaves: config.ANCHOR_MAX_LEAVES,
    confirmations: config.ANCHOR_CONFIRMATIONS,
    leaseMs: config.ANCHOR_LEASE_MS,
    backoffBaseMs: Math.min(1_000, config.ANCHOR_BACKOFF_MAX_MS),
    backoffMaxMs: config.ANCHOR_BACKOFF_MAX_MS,
    stuckTxMs: config.ANCHOR_STUCK_TX_MS,
    feeBumpPercent: config.ANCHOR_FEE_BUMP_PERCENT,
    maxFeePerGas:
      config.ANCHOR_MAX_FEE_GWEI === undefined
        ? undefined
        : BigInt(Math.round(config.ANCHOR_MAX_FEE_GWEI * 1e9)),
    inFlightPollMs: 250,
    fault: config.ANCHOR_FAULT,
  };
}
