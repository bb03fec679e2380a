import type { Connection } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { ChainMarkStore } from "./data/chain-mark-store";
import { chainResetReason, type ChainView } from "./domain/chain-reset";

/**
 * Compares the chain with what the anchoring worker last saw of it (stored, so a restarted
 * service notices a reset that happened while it was down) and remembers the latest view.
 * Three reads per look: the genesis block's hash, the signer's mined nonce count, the registry's
 * code.
 */
export class ChainWatch {
  private readonly marks: ChainMarkStore;
  private current: ChainView | undefined;
  private stored: ChainView | null | undefined;

  constructor(
    connection: Connection,
    private readonly chain: ChainClient,
  ) {
    this.marks = new ChainMarkStore(connection);
  }

  /** Reads the chain now and says why it looks reset since the last `remember`, or null. */
  async resetReason(): Promise<string | null> {
    const seen = await this.look();
    this.current = withoutCode(seen);
    this.stored ??= await this.marks.read();
    return chainResetReason(this.stored, seen);
  }

  /** Stores the view read last, when it changed; `reread` after the chain was repaired. */
  async remember(reread = false): Promise<void> {
    if (reread) this.current = withoutCode(await this.look());
    const current = this.current;
    const stored = this.stored;
    if (!current) return;
    if (
      stored &&
      stored.genesisHash === current.genesisHash &&
      stored.registry === current.registry &&
      stored.minedNonceCount === current.minedNonceCount
    )
      return;
    await this.marks.write(current);
    this.stored = current;
  }

  private async look(): Promise<ChainView & { registryHasCode: boolean }> {
    const provider = this.chain.provider;
    const genesis = await provider.getBlock(0);
    const minedNonceCount = await provider.getTransactionCount(this.chain.signer.address, "latest");
    const registryHasCode = (await provider.getCode(this.chain.registryAddress)) !== "0x";
    return {
      genesisHash: genesis!.hash!,
      registry: this.chain.registryAddress,
      minedNonceCount,
      registryHasCode,
    };
  }
}

function withoutCode(view: ChainView & { registryHasCode: boolean }): ChainView {
  return { genesisHash: view.genesisHash, registry: view.registry, minedNonceCount: view.minedNonceCount };
}
