import { Transaction, type TransactionRequest } from "ethers";
import type { ChainClient } from "../../platform/evm/chain-client";
import { announceRegistryWrite } from "../../platform/evm/registry-writes";
import type { TxAttempt } from "./data/anchor-window.model";
import { initialFees, replacementFees, type LedgerFacts, type Fees } from "./domain/window-decision";

/** Estimated gas × 1.2: unused gas is not charged, and an out-of-gas anchor would cost a retry. */
const GAS_MARGIN_PERCENT = 120n;

/** The registry refused the root because it is anchored already: the window is on chain. */
export class RootAlreadyAnchoredError extends Error {
  constructor(readonly root: string) {
    super(`root ${root} is already anchored`);
    this.name = "RootAlreadyAnchoredError";
  }
}

/**
 * The chain side of anchoring: reads the facts a window decision needs, and builds, signs and
 * broadcasts `anchorWindow` transactions. Transactions are signed locally first so that their hash
 * and raw bytes are stored before they are broadcast (see window-driver.ts).
 */
export class AnchorTransactions {
  constructor(
    private readonly chain: ChainClient,
    private readonly options: { feeBumpPercent: number; maxFeePerGas?: bigint },
  ) {}

  get signerAddress(): string {
    return this.chain.signer.address;
  }

  async anchorOf(
    root: string,
  ): Promise<{ blockNumber: number; timestamp: number; leafCount: number; window: number }> {
    const anchor = await this.chain.registry.anchorOf(root);
    return {
      blockNumber: Number(anchor.blockNumber),
      timestamp: Number(anchor.timestamp),
      leafCount: Number(anchor.leafCount),
      window: Number(anchor.window),
    };
  }

  /**
   * Tells this process's readers of the registry that a window of ours is on chain, so that a
   * verification right after it asks for the newest window again instead of answering from the
   * cached one until the next poll of the registry's logs.
   */
  announceAnchored(): void {
    announceRegistryWrite(this.chain);
  }

  async headBlock(): Promise<number> {
    return this.chain.provider.getBlockNumber();
  }

  /**
   * What the chain says about a window, read in an order that keeps the answers consistent: the
   * mined nonce count before the receipts (a count above an attempt's nonce with no receipt means
   * that nonce went to another transaction), the root before the receipts (an anchored root's
   * receipt is then visible), and the head last (never below the anchoring block).
   */
  async facts(
    root: string,
    attempts: readonly TxAttempt[],
  ): Promise<LedgerFacts & { anchoredAtSec: number; windowIndex: number }> {
    const provider = this.chain.provider;
    const minedNonceCount = await provider.getTransactionCount(this.signerAddress, "latest");
    const anchor = await this.anchorOf(root);
    const receipts = [];
    for (const attempt of attempts) {
      const receipt = await provider.getTransactionReceipt(attempt.txHash);
      if (receipt) {
        receipts.push({
          txHash: receipt.hash,
          status: receipt.status ?? 0,
          blockNumber: receipt.blockNumber,
          gasUsed: receipt.gasUsed,
          fee: receipt.fee,
        });
      }
    }
    const pendingNonceCount = await provider.getTransactionCount(this.signerAddress, "pending");
    const latest = attempts.at(-1);
    const latestAttemptKnown = latest ? (await provider.getTransaction(latest.txHash)) !== null : false;
    const head = await provider.getBlockNumber();
    return {
      head,
      anchoredBlock: anchor.blockNumber,
      anchoredAtSec: anchor.timestamp,
      windowIndex: anchor.window,
      minedNonceCount,
      pendingNonceCount,
      receipts,
      latestAttemptKnown,
    };
  }

  /**
   * Signs a first `anchorWindow(root, mapRoot, leafCount, previousRoot)` with the next free nonce and
   * the network's fees. The previous root is the newest window on chain now: windows form one line
   * and only one is in flight at a time, so the window follows whatever the chain holds last.
   */
  async signNew(root: string, mapRoot: string, leafCount: number): Promise<TxAttempt> {
    const previousRoot = (await this.chain.registry.latestWindow()).root;
    const data = this.chain.registry.interface.encodeFunctionData("anchorWindow", [
      root,
      mapRoot,
      leafCount,
      previousRoot,
    ]);
    const request = { from: this.signerAddress, to: this.chain.registryAddress, data };
    let gas: bigint;
    try {
      gas = await this.chain.provider.estimateGas(request);
    } catch (error) {
      if (this.revertName(error) === "ProvenanceRegistryRootAlreadyAnchored")
        throw new RootAlreadyAnchoredError(root);
      throw error;
    }
    const nonce = await this.chain.provider.getTransactionCount(this.signerAddress, "pending");
    const fees = initialFees(await this.networkFees(), this.options.maxFeePerGas);
    return this.sign({ ...request, nonce, gasLimit: (gas * GAS_MARGIN_PERCENT) / 100n }, fees);
  }

  /** Signs a replacement of `previous`: same nonce, gas and data, higher fees; null if capped. */
  async signReplacement(previous: TxAttempt): Promise<TxAttempt | null> {
    const fees = replacementFees(
      {
        maxFeePerGas: BigInt(previous.maxFeePerGas),
        maxPriorityFeePerGas: BigInt(previous.maxPriorityFeePerGas),
      },
      await this.networkFees(),
      this.options.feeBumpPercent,
      this.options.maxFeePerGas,
    );
    if (!fees) return null;
    const original = Transaction.from(previous.raw);
    return this.sign(
      { to: original.to, data: original.data, nonce: original.nonce, gasLimit: original.gasLimit },
      fees,
    );
  }

  /**
   * Sends a signed transaction. A node that already has it, or has mined its nonce, is not an
   * error here: the next look at the chain facts decides what that means.
   */
  async broadcast(raw: string): Promise<"sent" | "known" | "nonce-used" | "underpriced"> {
    try {
      await this.chain.provider.broadcastTransaction(raw);
      return "sent";
    } catch (error) {
      const text = errorText(error);
      if (/already (known|imported)|known transaction/i.test(text)) return "known";
      if (/nonce (too low|has already been used)|NONCE_EXPIRED/i.test(text)) return "nonce-used";
      if (/underpriced|REPLACEMENT_UNDERPRICED|fee too low/i.test(text)) return "underpriced";
      throw error;
    }
  }

  private async sign(request: TransactionRequest, fees: Fees): Promise<TxAttempt> {
    const raw = await this.chain.signer.signTransaction({
      ...request,
      type: 2,
      chainId: this.chain.chainId,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const signed = Transaction.from(raw);
    return {
      txHash: signed.hash!,
      nonce: signed.nonce,
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      gasLimit: signed.gasLimit.toString(),
      raw,
      sentAt: new Date(),
    };
  }

  private async networkFees(): Promise<Fees> {
    const data = await this.chain.provider.getFeeData();
    const maxFeePerGas = data.maxFeePerGas ?? data.gasPrice ?? 0n;
    const maxPriorityFeePerGas = data.maxPriorityFeePerGas ?? data.gasPrice ?? 0n;
    return {
      maxFeePerGas,
      maxPriorityFeePerGas: maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : maxPriorityFeePerGas,
    };
  }

  private revertName(error: unknown): string | undefined {
    const data = (error as { data?: unknown })?.data;
    if (typeof data !== "string" || data.length < 10) return undefined;
    try {
      return this.chain.registry.interface.parseError(data)?.name;
    } catch {
      return undefined;
    }
  }
}

/** Node error messages sit at different depths depending on the client and the provider. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const { code, shortMessage, message } = current as Record<string, unknown>;
    for (const part of [code, shortMessage, message]) if (typeof part === "string") parts.push(part);
    current =
      (current as { error?: unknown; info?: unknown }).error ??
      (current as { info?: { error?: unknown } }).info?.error;
  }
  return parts.join(" | ");
}
