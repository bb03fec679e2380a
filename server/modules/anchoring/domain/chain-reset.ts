/** What the worker sees of the chain to notice a reset (stored as the chain mark). */
export interface ChainView {
  genesisHash: string;
  registry: string;
  minedNonceCount: number;
}

/**
 * Why the chain now looks reset compared with what was last seen, or null. A reset is a new chain
 * (another genesis), a registry without code, or fewer mined transactions of the service signer
 * than seen before (a node restarted from older state, a rollback): every one of them can forget
 * anchored windows, certifier registrations and issued certifications.
 */
export function chainResetReason(
  seen: ChainView | null,
  now: ChainView & { registryHasCode: boolean },
): string | null {
  if (!now.registryHasCode) return `no registry code at ${now.registry}`;
  if (!seen || seen.registry.toLowerCase() !== now.registry.toLowerCase()) return null;
  if (seen.genesisHash !== now.genesisHash) {
    return `the chain's genesis block changed (${seen.genesisHash} → ${now.genesisHash})`;
  }
  if (now.minedNonceCount < seen.minedNonceCount) {
    return `the service signer's mined transactions fell from ${seen.minedNonceCount} to ${now.minedNonceCount}`;
  }
  return null;
}
