/**
 * What to do next with a window that has a root but is not confirmed yet, decided from what the
 * chain says rather than from what this process remembers. Pure, so that every reconciliation
 * rule is unit-tested; `window-driver.ts` gathers the facts and carries out the action.
 */
export interface AttemptFacts {
  txHash: string;
  nonce: number;
  sentAtMs: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface MinedReceipt {
  txHash: string;
  /** 1 = success, 0 = reverted. */
  status: number;
  blockNumber: number;
  gasUsed: bigint;
  fee: bigint;
}

export interface LedgerFacts {
  head: number;
  /** Block in which the registry recorded the root; 0 when the root is not anchored. */
  anchoredBlock: number;
  /** Transactions of the signer mined so far (`latest` count), read before the receipts. */
  minedNonceCount: number;
  /** The next nonce the node would accept from the signer (`pending` count). */
  pendingNonceCount: number;
  /** Receipts of the window's attempts that are mined. */
  receipts: MinedReceipt[];
  /** Whether the node knows the latest attempt (pending or mined). */
  latestAttemptKnown: boolean;
}

export type WindowAction =
  | { kind: "wait"; reason: string }
  | {
      kind: "confirm";
      blockNumber: number;
      txHash: string | null;
      gasUsed: bigint | null;
      fee: bigint | null;
    }
  | { kind: "send"; reason: string; failure?: string }
  | { kind: "rebroadcast"; reason: string }
  | { kind: "replace"; reason: string };

export interface DecisionOptions {
  confirmations: number;
  stuckTxMs: number;
  nowMs: number;
}

/**
 * Rules, in order:
 * 1. The registry has the root: confirmed once `confirmations` blocks deep (whoever sent it: a
 *    root is anchored once, so a duplicate send can only revert); until then wait.
 * 2. Nothing was sent yet: send.
 * 3. One of our transactions succeeded but the root is not visible: wait (a lagging RPC node).
 * 4. The nonce of the latest attempt was used by a mined transaction that is not ours, or ours
 *    reverted: send again with a fresh nonce (a revert is reported as a failure, to back off).
 * 5. The latest attempt's nonce is above the next nonce the node accepts: the chain was reset or
 *    rolled back past earlier transactions, so that nonce can never be mined; send a new one.
 * 6. The node does not know the latest attempt (crash before broadcast, dropped, node restarted):
 *    broadcast the stored signed transaction again, unless it is already overdue.
 * 7. Pending for longer than `stuckTxMs`: replace it, same nonce, higher fee.
 * 8. Otherwise wait for it to be mined.
 */
export function decideWindowAction(
  attempts: readonly AttemptFacts[],
  facts: LedgerFacts,
  options: DecisionOptions,
): WindowAction {
  if (facts.anchoredBlock > 0) {
    const depth = facts.head - facts.anchoredBlock + 1;
    if (depth < options.confirmations) {
      return {
        kind: "wait",
        reason: `root anchored, ${Math.max(depth, 0)} of ${options.confirmations} confirmations`,
      };
    }
    const anchoring = facts.receipts.find(
      (receipt) => receipt.status === 1 && receipt.blockNumber === facts.anchoredBlock,
    );
    const mined = facts.receipts;
    return {
      kind: "confirm",
      blockNumber: facts.anchoredBlock,
      txHash: anchoring?.txHash ?? null,
      gasUsed: mined.length > 0 ? mined.reduce((sum, receipt) => sum + receipt.gasUsed, 0n) : null,
      fee: mined.length > 0 ? mined.reduce((sum, receipt) => sum + receipt.fee, 0n) : null,
    };
  }
  const latest = attempts.at(-1);
  if (!latest) return { kind: "send", reason: "the root is not on chain and no transaction was sent" };
  if (facts.receipts.some((receipt) => receipt.status === 1)) {
    return { kind: "wait", reason: "a transaction succeeded but the node does not show the root yet" };
  }
  if (facts.minedNonceCount > latest.nonce) {
    const reverted = facts.receipts.find((receipt) => receipt.status === 0);
    return reverted
      ? {
          kind: "send",
          reason: `transaction ${reverted.txHash} reverted`,
          failure: `anchoring transaction ${reverted.txHash} reverted without anchoring the root`,
        }
      : { kind: "send", reason: `nonce ${latest.nonce} was used by another transaction` };
  }
  if (latest.nonce > facts.pendingNonceCount) {
    return {
      kind: "send",
      reason: `nonce ${latest.nonce} is above the chain's next nonce ${facts.pendingNonceCount} (chain reset or rolled back)`,
    };
  }
  const overdue = options.nowMs - latest.sentAtMs >= options.stuckTxMs;
  if (!facts.latestAttemptKnown && !overdue) {
    return { kind: "rebroadcast", reason: `the node does not know ${latest.txHash}` };
  }
  if (overdue) {
    return { kind: "replace", reason: `${latest.txHash} is not mined after ${options.stuckTxMs} ms` };
  }
  return { kind: "wait", reason: `${latest.txHash} is pending` };
}

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Fees of a replacement: at least `bumpPercent` above the stuck transaction (nodes refuse a
 * replacement below +10 %) and at least what the network asks now, capped at `cap` when set.
 * Null when the cap leaves no room for a higher fee: then the transaction keeps waiting.
 */
export function replacementFees(
  previous: Fees,
  network: Fees,
  bumpPercent: number,
  cap?: bigint,
): Fees | null {
  const bump = (value: bigint) => {
    const raised = (value * BigInt(100 + bumpPercent) + 99n) / 100n;
    return raised > value ? raised : value + 1n;
  };
  let maxPriorityFeePerGas = max(bump(previous.maxPriorityFeePerGas), network.maxPriorityFeePerGas);
  let maxFeePerGas = max(bump(previous.maxFeePerGas), network.maxFeePerGas, maxPriorityFeePerGas);
  if (cap !== undefined) {
    maxFeePerGas = maxFeePerGas > cap ? cap : maxFeePerGas;
    maxPriorityFeePerGas = maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : maxPriorityFeePerGas;
  }
  const raisedEnough =
    maxFeePerGas >= bump(previous.maxFeePerGas) &&
    maxPriorityFeePerGas >= bump(previous.maxPriorityFeePerGas);
  return raisedEnough ? { maxFeePerGas, maxPriorityFeePerGas } : null;
}

/** Fees of a first transaction: what the network asks, capped at `cap` when set. */
export function initialFees(network: Fees, cap?: bigint): Fees {
  if (cap === undefined || network.maxFeePerGas <= cap) return network;
  return {
    maxFeePerGas: cap,
    maxPriorityFeePerGas: network.maxPriorityFeePerGas > cap ? cap : network.maxPriorityFeePerGas,
  };
}

function max(...values: bigint[]): bigint {
  return values.reduce((highest, value) => (value > highest ? value : highest));
}
