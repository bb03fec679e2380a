import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import type { ChainClient } from "../../platform/evm/chain-client";
import { callRegistry, registryAppError } from "../../platform/evm/registry-errors";
import { announceRegistryWrite } from "../../platform/evm/registry-writes";
import { chainRecordOf, type ChainCertificationRecord } from "./domain/certification-status";
import { AppError, ChainError } from "../../platform/errors";

/**
 * The chain side of certifications: registry transactions sent by the service signer (relayed
 * issuances and status changes) or, where the service may act as the registry admin, by the
 * admin signer (certifier registration), and issuance/status reads.
 *
 * Sends are serialized per signer within this process: each waits until the previous one was
 * accepted by the node, so the "pending" nonce it takes is fresh. The anchoring worker signs its
 * own transactions with the same key (see decision 0007 for the nonce clash this can cause and
 * how it resolves).
 */
const sendQueues = new WeakMap<object, Promise<unknown>>();

export interface RegistryCall {
  /** The same call as `eth_call` (`staticCall`): reverts with the registry's custom error. */
  simulate(): Promise<unknown>;
  send(): Promise<ContractTransactionResponse>;
}

/** How long a request waits for its transaction to be mined before answering that it is pending. */
export const TX_WAIT_MS = 120_000;

export type TxOutcome =
  | { kind: "mined"; txHash: string; receipt: TransactionReceipt }
  | { kind: "pending"; txHash: string }
  | { kind: "reverted"; txHash: string; error: AppError }
  | { kind: "dropped"; txHash: string };

/**
 * Simulates the call (a refusal becomes its mapped 4xx and costs no gas), sends it through the
 * signer's queue, reports the hash (`onSent`, e.g. to store it before waiting), and waits up to
 * `waitMs` for one confirmation. A transaction that reverts on chain anyway is simulated again:
 * a refusal now names the registry's reason; a simulation that passes again means the revert came
 * from a state that has passed since (the same key's other transactions in flight), so the call is
 * sent once more — it is still valid, the reverted transaction changed nothing.
 */
export async function sendRegistryTransaction(
  chain: ChainClient,
  action: string,
  call: RegistryCall,
  options: { onSent?: (txHash: string) => Promise<void>; waitMs?: number; sender?: object } = {},
): Promise<TxOutcome> {
  await callRegistry(action, call.simulate);
  for (let attempt = 1; ; attempt++) {
    const outcome = await sendAndWait(chain, action, call, options);
    if (outcome.kind !== "reverted" || !outcome.transient || attempt >= MAX_SEND_ATTEMPTS) {
      return outcome.kind === "reverted"
        ? { kind: "reverted", txHash: outcome.txHash, error: outcome.error }
        : outcome;
    }
  }
}

const MAX_SEND_ATTEMPTS = 2;

/** A reverted send, and whether simulating the call again passed (the revert's cause has passed). */
type RevertedSend = { kind: "reverted"; txHash: string; error: AppError; transient: boolean };

async function sendAndWait(
  chain: ChainClient,
  action: string,
  call: RegistryCall,
  options: { onSent?: (txHash: string) => Promise<void>; waitMs?: number; sender?: object },
): Promise<Exclude<TxOutcome, { kind: "reverted" }> | RevertedSend> {
  const sender = options.sender ?? chain.signer;
  const previous = sendQueues.get(sender) ?? Promise.resolve();
  const sent = previous.catch(() => undefined).then(() => sendWithRetry(action, call.send));
  sendQueues.set(sender, sent);
  const tx = await sent;
  await options.onSent?.(tx.hash);
  let receipt: TransactionReceipt | null = null;
  try {
    receipt = await tx.wait(1, options.waitMs ?? TX_WAIT_MS);
  } catch (error) {
    const failure = error as { code?: string; reason?: string; receipt?: TransactionReceipt };
    if (failure.code === "TIMEOUT") return { kind: "pending", txHash: tx.hash };
    if (failure.code === "TRANSACTION_REPLACED") {
      if (failure.reason !== "repriced" || !failure.receipt) return { kind: "dropped", txHash: tx.hash };
      receipt = failure.receipt;
    } else if (failure.code !== "CALL_EXCEPTION") {
      throw registryAppError(error, action);
    }
  }
  if (receipt?.status === 1) {
    announceRegistryWrite(chain);
    return { kind: "mined", txHash: receipt.hash, receipt };
  }
  return callRegistry(action, call.simulate).then(
    () => ({
      kind: "reverted" as const,
      txHash: tx.hash,
      error: new ChainError(`${action}: transaction ${tx.hash} reverted on chain`),
      transient: true,
    }),
    (reason: AppError) => ({ kind: "reverted" as const, txHash: tx.hash, error: reason, transient: false }),
  );
}

/** The receipt of a mined transaction; anything else becomes the AppError to answer with. */
export function minedReceipt(action: string, outcome: TxOutcome): TransactionReceipt {
  switch (outcome.kind) {
    case "mined":
      return outcome.receipt;
    case "reverted":
      throw outcome.error;
    case "pending":
      throw new AppError(
        "TX_PENDING",
        `${action}: transaction ${outcome.txHash} is sent but not mined yet; its effect shows once it is`,
        504,
        { txHash: outcome.txHash },
      );
    case "dropped":
      throw new ChainError(`${action}: transaction ${outcome.txHash} was replaced by another one; retry`, {
        details: { txHash: outcome.txHash },
      });
  }
}

/**
 * A node that saw another transaction of the same signer take the nonce (the anchoring worker)
 * refuses ours as "nonce too low" or "replacement underpriced": it was not broadcast, so it is
 * signed again with a fresh nonce (at most twice).
 */
async function sendWithRetry(
  action: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const text = String((error as Error)?.message ?? "");
      if (attempt < 3 && /nonce|underpriced/i.test(text)) continue;
      throw registryAppError(error, action);
    }
  }
}

/**
 * What the registry says about certifications (each one's issuance by the certifier its signed
 * data names, keyed by certHash) and certifiers, all read at one block. Reads are
 * cached per block number (never stale: a new block means new reads), so a page listing many
 * certifications costs one `eth_blockNumber` plus one call per certification per new block.
 */
export interface ChainSnapshot {
  blockNumber: number;
  records: Map<string, ChainCertificationRecord>;
  certifierActive: Map<string, boolean>;
}

const snapshotCaches = new WeakMap<object, { blockNumber: number; values: Map<string, Promise<unknown>> }>();

export async function readChainSnapshot(
  chain: ChainClient,
  certifications: readonly { certHash: string; certifier: string }[],
): Promise<ChainSnapshot | null> {
  try {
    const blockNumber = await chain.provider.getBlockNumber();
    let cache = snapshotCaches.get(chain.registry);
    if (!cache || cache.blockNumber !== blockNumber) {
      cache = { blockNumber, values: new Map() };
      snapshotCaches.set(chain.registry, cache);
    }
    const values = cache.values;
    const cached = <T>(key: string, read: () => Promise<T>): Promise<T> => {
      if (!values.has(key)) {
        const promise = read();
        promise.catch(() => values.delete(key));
        values.set(key, promise);
      }
      return values.get(key) as Promise<T>;
    };
    const blockTag = blockNumber;
    const records = new Map<string, ChainCertificationRecord>();
    const certifierActive = new Map<string, boolean>();
    await Promise.all([
      ...certifications.map(async ({ certHash, certifier }) => {
        const record = await cached(`cert:${certHash}:${certifier}`, () =>
          chain.registry.certificationOf(certHash, certifier, { blockTag }),
        );
        records.set(certHash, chainRecordOf(record));
      }),
      ...[...new Set(certifications.map((item) => item.certifier))].map(async (address) => {
        const active = await cached(`certifier:${address}`, () =>
          chain.registry.isCertifier(address, { blockTag }),
        );
        certifierActive.set(address, active);
      }),
    ]);
    return { blockNumber, records, certifierActive };
  } catch {
    return null;
  }
}

export async function isRegisteredCertifier(chain: ChainClient, address: string): Promise<boolean> {
  return callRegistry("isCertifier", () => chain.registry.isCertifier(address));
}

/** The registry's record of `certifier`'s issuance of `certHash`, read now. */
export async function readIssuance(
  chain: ChainClient,
  certHash: string,
  certifier: string,
): Promise<ChainCertificationRecord> {
  return chainRecordOf(
    await callRegistry("certificationOf", () => chain.registry.certificationOf(certHash, certifier)),
  );
}

export async function certifierNonce(chain: ChainClient, address: string): Promise<bigint> {
  return callRegistry("nonces", () => chain.registry.nonces(address));
}
