import type { ChainClient } from "../../platform/evm/chain-client";
import { anchoringReceiptProblem, type ChainReader } from "./domain/proof-bundle-verify";
import { verifyMerkleLeaf } from "../../platform/crypto/merkle";
import type { Hex } from "../../platform/crypto/keccak";
import { chainRecordOf, type ChainCertificationRecord } from "../certifications";
import { onRegistryWrite } from "../../platform/evm/registry-writes";

/** A negative answer (unanchored root, missing receipt or registry) may turn positive any moment. */
const NEGATIVE_TTL_MS = 1_000;

const LATEST_WINDOW = "latest-window";

/** Windows whose anchor facts one look fetches ahead at most (the newest; older ones when asked). */
const PREFETCH_MAX = 1_000;
/** Chain calls a prefetch has in flight at once, so that requests' own calls are not queued behind it. */
const PREFETCH_CONCURRENCY = 2;

/** Every reader of a chain in this process, so that a detected chain reset empties their caches. */
const readersByChain = new WeakMap<ChainClient, Set<ServiceChainReader>>();

/**
 * Forgets every cached chain answer of `chain` in this process: called when the anchoring worker
 * detects a chain reset (a fresh or rolled-back chain), after which cached anchors describe
 * blocks and transactions the chain no longer has. Each reader also sees a reset or a reorg
 * itself, at its next look at the chain (within `watchMs`).
 */
export function forgetChainAnswers(chain: ChainClient): void {
  for (const reader of readersByChain.get(chain) ?? []) reader.forget();
  for (const listener of forgetListeners.get(chain) ?? []) listener();
}

/** Whoever keeps chain answers outside this thread (verification threads) hears of `forgetChainAnswers`. */
export function onChainAnswersForgotten(chain: ChainClient, listener: () => void): void {
  let listeners = forgetListeners.get(chain);
  if (!listeners) forgetListeners.set(chain, (listeners = new Set()));
  listeners.add(listener);
}

const forgetListeners = new WeakMap<ChainClient, Set<() => void>>();

/**
 * The service's view of the registry for verification requests. An anchor or anchoring receipt
 * in a block the reader has already looked past is a fact of that chain: it is kept until the
 * chain changes under it (issue 15: at 1,000,000 events each of 100 windows cost two chain calls
 * every 15 s). At each look (at most every `watchMs`) the reader checks that the block it last saw
 * as the head still has the hash it had; a reorg or a reset that could remove a kept fact replaces
 * that block (the fact's block is at or below it), so all answers are dropped and `generation`
 * moves, within `watchMs` of the change rather than a TTL later. Answers about newer blocks live
 * `ttlMs` (15 s), a negative answer 1 s (a root may be anchored, a receipt mined or a registry
 * redeployed any moment), other answers `ttlMs`; a failed call is not cached, and when the chain
 * cannot be looked at, nothing kept is trusted further. A chain reset the anchoring worker
 * detects empties the caches at once (`forgetChainAnswers`).
 *
 * Certification records are cached until the registry says they changed: at most every
 * `watchMs` a request first reads the registry's logs since the last block seen
 * (`CertificationIssued`, `CertificationStatusChanged`) and drops the records they name, so a
 * status change sent to the chain by anyone (or relayed by another instance) shows within one
 * `watchMs`, and otherwise a certificate costs no chain call (issue 15). The newest window is kept
 * the same way, until a `WindowAnchored` log (decision 0040). When the logs cannot be read, or the
 * chain is lower than the last block seen (a reset), the records and the window are read again.
 */
export class ServiceChainReader implements ChainReader {
  private readonly cache = new Map<string, { expires: number; value: Promise<unknown> }>();
  /** The head at the last look, and its hash: what the next look checks is still there. */
  private watchedBlock: number | undefined;
  private watchedHash: string | undefined;
  private watchedAt = -Infinity;
  private watching: Promise<void> | undefined;
  private changes = 0;
  /** Windows the last look saw anchored, whose facts are fetched once it is over. */
  private anchoredSinceLook: { root: string; txHash: string }[] = [];
  private prefetching: Promise<void> | undefined;

  constructor(
    private readonly chain: ChainClient,
    private readonly ttlMs = 15_000,
    private readonly capacity = 50_000,
    private readonly clock: () => number = Date.now,
    private readonly watchMs = 1_000,
  ) {
    let readers = readersByChain.get(chain);
    if (!readers) readersByChain.set(chain, (readers = new Set()));
    readers.add(this);
    onRegistryWrite(chain, () => {
      this.watchedAt = -Infinity;
      this.cache.delete(LATEST_WINDOW);
    });
  }

  /** Drops every cached answer, and reads the registry's logs afresh. */
  forget(): void {
    this.cache.clear();
    this.watchedBlock = undefined;
    this.watchedHash = undefined;
    this.changes++;
  }

  /**
   * A number that changes whenever a cached answer is dropped because the chain may have changed
   * (a logged certification change, a reset, logs that could not be read): what was concluded from
   * earlier answers is stale once it moves (ExaminationCache keys by it).
   */
  get generation(): number {
    return this.changes;
  }

  /** Resolves once no window's facts are being fetched ahead (prefetchAnchoredWindows). */
  async prefetched(): Promise<void> {
    while (this.prefetching) await this.prefetching;
  }

  /** Reads the registry's logs if the last look is older than `watchMs` (certificationOf does too). */
  refresh(): Promise<void> {
    return this.watchRegistry();
  }

  network() {
    return this.cached(
      "network",
      (network) => (network.registryHasCode ? this.ttlMs : NEGATIVE_TTL_MS),
      async () => ({
        chainId: Number(this.chain.chainId),
        registryHasCode: (await this.chain.provider.getCode(this.chain.registryAddress)) !== "0x",
      }),
    );
  }

  async anchorOf(root: string) {
    await this.watchRegistry(); // a kept anchor is answered only after a recent look
    return this.cached(
      `anchor:${root}`,
      (value) => (value === null ? NEGATIVE_TTL_MS : this.untilChanged(value.blockNumber)),
      async () => {
        const anchor = await this.chain.registry.anchorOf(root);
        if (anchor.timestamp === 0n) return null;
        return {
          blockNumber: Number(anchor.blockNumber),
          timestamp: Number(anchor.timestamp),
          leafCount: Number(anchor.leafCount),
          window: Number(anchor.window),
        };
      },
    );
  }

  /**
   * The registry's newest window: cached until the registry logs a `WindowAnchored` (read at most
   * every `watchMs`, as for certifications), until this process's anchoring worker confirms a
   * window or another registry write of this process is mined (`announceRegistryWrite`: the next
   * question asks the chain at once), and at most `ttlMs`. A verification right after this process
   * anchored a window must see it (test/integration/audit.test.ts); another instance's window
   * shows within one `watchMs`.
   */
  async latestWindow() {
    await this.watchRegistry();
    return this.cached(LATEST_WINDOW, this.ttlMs, async () => {
      const window = await this.chain.registry.latestWindow();
      return { index: Number(window.index), root: window.root, mapRoot: window.mapRoot };
    });
  }

  /**
   * The registry's `verifyLeaf` is `anchorOf(root) != 0 && MerkleProof.verify(proof, root, leaf)`:
   * the first half is the chain fact (asked and cached as above), the second is arithmetic, done
   * here. One chain call per root instead of one per event (issue 15: a cold 500-event batch made
   * 500 `eth_call`s).
   */
  async verifyLeaf(root: string, proof: readonly string[], leaf: string): Promise<boolean> {
    if ((await this.anchorOf(root)) === null) return false;
    try {
      return verifyMerkleLeaf(root as Hex, leaf as Hex, proof as Hex[]);
    } catch {
      return false; // not 32-byte hex: the contract's ABI decoding would refuse it too
    }
  }

  async anchoringTransaction(txHash: string, root: string) {
    await this.watchRegistry();
    let minedIn = Infinity;
    const ttl = (answer: { ok: boolean }) => (answer.ok ? this.untilChanged(minedIn) : NEGATIVE_TTL_MS);
    return this.cached(`tx:${txHash}:${root}`, ttl, async () => {
      const receipt = await this.chain.provider.getTransactionReceipt(txHash);
      const problem = anchoringReceiptProblem(txHash, receipt, this.chain.registryAddress, root);
      if (receipt) minedIn = receipt.blockNumber;
      return problem ? { ok: false as const, problem } : { ok: true as const };
    });
  }

  /**
   * How long to keep an answer about a block: until the chain changes under it when the reader has
   * looked past that block already (the next look then covers it), else `ttlMs`.
   */
  private untilChanged(blockNumber: number): number {
    return this.watchedBlock !== undefined && blockNumber <= this.watchedBlock ? Infinity : this.ttlMs;
  }

  /** An issuance and its status: cached until the registry logs a change of it. */
  async certificationOf(certHash: string, issuer: string): Promise<ChainCertificationRecord> {
    await this.watchRegistry();
    return this.cached(certificationKey(certHash, issuer), Infinity, async () =>
      chainRecordOf(await this.chain.registry.certificationOf(certHash, issuer)),
    );
  }

  /** Reads the registry's logs since the last look, at most every `watchMs`; one read at a time. */
  private watchRegistry(): Promise<void> {
    if (this.clock() - this.watchedAt < this.watchMs) return Promise.resolve();
    this.watching ??= this.readRegistryLogs()
      .catch(() => this.forget()) // changes could not be seen: read every answer again
      .finally(() => {
        this.watchedAt = this.clock();
        this.watching = undefined;
        this.prefetchAnchoredWindows();
      });
    return this.watching;
  }

  /**
   * Asks, in the background, the anchor and anchoring receipt of each window the last look saw
   * anchored: facts every verification of an event in that window needs and that are kept until the
   * chain changes under them, so the first verification of each window does not wait for two chain
   * calls (issue 15: at 1,000,000 events a verification touching a window for the first time spent
   * ~0.7 ms of the event loop in ethers and waited for the node). Same questions, same cache as a
   * verification's own; a failed one is simply asked again when needed.
   */
  private prefetchAnchoredWindows(): void {
    if (this.anchoredSinceLook.length === 0 || this.prefetching) return;
    const windows = this.anchoredSinceLook.splice(0).slice(-PREFETCH_MAX);
    const next = async (): Promise<void> => {
      for (let window = windows.shift(); window; window = windows.shift()) {
        await Promise.allSettled([
          this.anchorOf(window.root),
          this.anchoringTransaction(window.txHash, window.root),
        ]);
      }
    };
    this.prefetching = Promise.all(Array.from({ length: PREFETCH_CONCURRENCY }, next))
      .then(() => undefined)
      .finally(() => {
        this.prefetching = undefined;
        this.prefetchAnchoredWindows(); // windows a look saw meanwhile
      });
  }

  private async readRegistryLogs(): Promise<void> {
    const provider = this.chain.provider;
    const latest = await provider.getBlock("latest");
    if (!latest?.hash) throw new Error("the chain has no latest block");
    const head = latest.number;
    const from = this.watchedBlock;
    if (from === undefined) {
      this.forgetChangeable(); // first look
    } else if (!(await this.stillHas(from, latest))) {
      this.forget(); // a reset or reorg replaced the block last seen: what was read from it may be gone
    } else if (head > from) {
      const registry = this.chain.registry;
      const logs = await provider.getLogs({
        address: this.chain.registryAddress,
        fromBlock: from + 1,
        toBlock: head,
      });
      for (const log of logs) {
        const parsed = registry.interface.parseLog(log);
        if (parsed?.name === "WindowAnchored") {
          this.cache.delete(LATEST_WINDOW);
          this.anchoredSinceLook.push({ root: parsed.args.root as string, txHash: log.transactionHash });
        } else if (parsed?.name === "CertificationIssued" || parsed?.name === "CertificationStatusChanged") {
          this.cache.delete(certificationKey(parsed.args[0] as string, parsed.args[1] as string));
          this.changes++;
        }
      }
    }
    this.watchedBlock = head;
    this.watchedHash = latest.hash;
  }

  /** Whether the block last seen as the head is still on the chain whose head is `latest`. */
  private async stillHas(block: number, latest: { number: number; hash: string | null }): Promise<boolean> {
    if (latest.number < block) return false;
    const seen = latest.number === block ? latest : await this.chain.provider.getBlock(block);
    return seen?.hash === this.watchedHash;
  }

  private forgetChangeable(): void {
    this.cache.delete(LATEST_WINDOW);
    for (const key of this.cache.keys()) if (key.startsWith("certification:")) this.cache.delete(key);
    this.changes++;
  }

  /** The name the certifier was registered with on chain (cached: it rarely changes). */
  certifierName(certifier: string): Promise<string | null> {
    return this.cached(`certifier:${certifier}`, this.ttlMs, async () => {
      const record = await this.chain.registry.certifierOf(certifier);
      return record.name === "" ? null : record.name;
    });
  }

  /**
   * The certifier's latest status change of a certification, from the registry's
   * `CertificationStatusChanged` log (the reason is the one the certifier signed or sent), with its
   * block time; null when there is none. Keyed by the record's `updatedAt`, so a later change is
   * read again; logs are searched over the whole chain (fine for the embedded node and an L2 with
   * an indexing RPC; a production deployment may bound the range by the registry's deployment).
   */
  latestStatusChange(certHash: string, certifier: string, updatedAt: number) {
    return this.cached(`status-change:${certHash}:${certifier}:${updatedAt}`, this.ttlMs * 40, async () => {
      const registry = this.chain.registry;
      const logs = await registry.queryFilter(
        registry.filters.CertificationStatusChanged(certHash, certifier),
      );
      const last = logs[logs.length - 1];
      if (!last) return null;
      const block = await last.getBlock();
      return { reason: last.args.reason, at: new Date(block.timestamp * 1000).toISOString() };
    });
  }

  private cached<T>(key: string, ttl: number | ((value: T) => number), read: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.cache.size >= this.capacity) this.cache.clear();
    const value = read();
    const entry = { expires: now + (typeof ttl === "number" ? ttl : this.ttlMs), value };
    this.cache.set(key, entry);
    value.then(
      (resolved) => {
        if (typeof ttl === "function") entry.expires = this.clock() + ttl(resolved);
      },
      () => this.cache.delete(key),
    );
    return value;
  }
}

function certificationKey(certHash: string, issuer: string): string {
  return `certification:${certHash.toLowerCase()}:${issuer.toLowerCase()}`;
}
