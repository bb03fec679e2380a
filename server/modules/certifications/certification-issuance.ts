import type { ChainClient } from "../../platform/evm/chain-client";
import { minedReceipt, readIssuance, sendRegistryTransaction } from "./certification-chain";

/**
 * Issues a certification on chain before the service counts it (decision 0014): relays the
 * certifier's own EIP-712 signature to `issueCertificationBySig` — certHash is the digest it
 * signed, so the registry checks that very signature and refuses a certifier its admin never
 * registered. The service signer sends it and needs no role for it. If the certifier already
 * issued it (an earlier attempt, or the certifier itself), nothing is sent.
 *
 * Returns the issuing transaction, or null when it was already issued. A transaction not mined
 * within the wait is a 504 `TX_PENDING`: the certification is not stored, and submitting it again
 * finds it issued once it is mined.
 */
export async function issueCertificationOnChain(
  chain: ChainClient,
  issuance: { certHash: string; certifier: string; signature: string },
): Promise<{ txHash: string; blockNumber: number } | null> {
  const { certHash, certifier, signature } = issuance;
  if ((await readIssuance(chain, certHash, certifier)).issuedAt > 0) return null;
  const { registry } = chain;
  const outcome = await sendRegistryTransaction(chain, "issueCertificationBySig", {
    simulate: () => registry.issueCertificationBySig.staticCall(certHash, certifier, signature),
    send: () => registry.issueCertificationBySig(certHash, certifier, signature),
  });
  const receipt = minedReceipt("issueCertificationBySig", outcome);
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber };
}
