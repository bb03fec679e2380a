import type { ChainClient } from "./chain-client";

const listeners = new WeakMap<ChainClient, Set<() => void>>();

/**
 * Registry transactions this process had mined are announced to whoever caches registry answers
 * (verification's chain reader): it reads the registry's logs again on its next question instead
 * of at its next poll, so a status change relayed here shows at once, not up to a poll later.
 * Other processes see the change in their next poll of the logs.
 */
export function onRegistryWrite(chain: ChainClient, listener: () => void): void {
  let set = listeners.get(chain);
  if (!set) listeners.set(chain, (set = new Set()));
  set.add(listener);
}

export function announceRegistryWrite(chain: ChainClient): void {
  for (const listener of listeners.get(chain) ?? []) listener();
}
