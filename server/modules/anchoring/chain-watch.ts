import type { Connection } from "mongoose";
import type { ChainClient } from "../../platform/evm/chain-client";
import { ChainMarkStore } from "./data/chain-mark-store";
import { chainResetReason, type ChainView } from "./domain/chain-reset";

/**
 * Compares the chain with what the anchoring worker last saw of it (stored, so a restarted
 * service notices a reset that happened while it was down) and remembers the latest view.
 * Three reads per look: the genesis block's hash, the signer's mined nonce count, the registry's
 * code length.
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

  /** Why the chain looks reset since the last `remember`, or null. */
  async resetReason(): Promise<string | null> {
    const provider = this.chain.provider;
    const genesis = await provider.getBlock(0);
    const minedNonceCount = await provider.getTransactionCount(this.chain.signer.address, "latest");
    const registryHasCode = (await provider.getCode(this.chain.registryAddress)) !== "0x";
    this.current = { genesisHash: genesis!.hash!, registry: this.chain.registryAddress, minedNonceCount };
    this.stored ??= await this.marks.read();
    return chainResetReason(this.stored, { ...this.current, registryHasCode });
  }

  /** Stores the view read last (after a reset was dealt with), when it changed. */
  async remember(): Promise<void> {
    if (!this.current) return;
    const fresh = { ...this.current, minedNonceCount: await this.minedNonceCount() };
    const stored = this.stored;
    if (
      stored &&
      stored.genesisHash === fresh.genesisHash &&
      stored.registry === fresh.registry &&
      stored.minedNonceCount === fresh.minedNonceCount
    )
      return;
    await this.marks.write(fresh);
    this.stored = fresh;
  }

  private minedNonceCount(): Promise<number> {
    return this.chain.provider.getTransactionCount(this.chain.signer.address, "latest");
  }
}
