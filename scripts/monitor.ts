/**
 * `npm run monitor -- --rpc <url> --registry <address> --service <url> [--from-window <n>] [--api-key <k>]`:
 * a monitor of an EcoTrace registry, in the sense of Certificate Transparency monitors (RFC 9162 §8.2).
 * Step 1 needs no account: it reads the registry over any JSON-RPC endpoint and the service's public
 * API. Step 2 needs an auditor's API key (`--api-key`): the map names batches by ledger id, which
 * public routes no longer take (decision 0020); without a key it is skipped (`ledgersChecked: false`).
 *
 * 1. Replays the ledger map: for each window from `--from-window` to the registry's newest, takes the
 *    change list the service publishes (GET /api/anchors/ledger-map), checks the window's root and
 *    index on chain, applies the changes and compares the map root with the one the window anchored.
 *    A head that moves back (truncation), a second hash for one (ledger, seq), a key moving to another
 *    ledger, an unpublished window or an unexplained map root is a finding; so is every rejection the
 *    service's worker recorded (events anchored as a second version of an anchored seq).
 * 2. Checks the service's view of every batch in the map (its proof bundle): a batch it no
 *    longer shows (deleted), records ending before the anchored head (truncated) or another version
 *    of the anchored head are findings; so are certifications signed by an account the registry does
 *    not list as a certifier, and status changes on chain made by another certifier than the issuer.
 *
 * Prints one JSON line per finding (and a summary line last); exits 1 when there is any finding,
 * 0 when none, 2 when the chain or the service could not be read, 64 on a usage error. Cost: one request per window and one bundle per batch in the map.
 */
import { Command } from "commander";
import { Contract, JsonRpcProvider } from "ethers";
import { idLedgerKey, LedgerMap, type LedgerMapValue } from "../server/modules/anchoring/domain/ledger-map";
import type { Hex } from "../server/platform/crypto/keccak";
import type { PublishedLedgerMapWindow } from "../server/modules/anchoring/ledger-map-windows";
import {
  recoverCertificationSigner,
  type CertificationDomain,
  type CertificationMessage,
} from "../server/modules/certifications/domain/certification-typed-data";

const REGISTRY_ABI = [
  "function latestWindow() view returns (tuple(uint64 index, bytes32 root, bytes32 mapRoot))",
  "function anchorOf(bytes32 root) view returns (tuple(uint64 timestamp, uint64 blockNumber, uint32 leafCount, uint64 window))",
  "function mapRootOf(bytes32 root) view returns (bytes32)",
  "function isCertifier(address account) view returns (bool)",
  "function certificationOf(bytes32 certHash, address issuer) view returns (tuple(address issuer, uint64 issuedAt, uint8 status, uint64 updatedAt))",
];

export type FindingKind =
  | "unpublished-window"
  | "window-mismatch"
  | "map-mismatch"
  | "truncation"
  | "two-versions"
  | "key-reassigned"
  | "deleted-batch"
  | "unregistered-issuer"
  | "unissued-certification";

export interface Finding {
  kind: FindingKind;
  detail: string;
  window?: number;
  ledgerId?: string;
  seq?: number;
  certHash?: string;
}

export interface MonitorOptions {
  rpc: string;
  registry: string;
  service: string;
  /** First window to replay; the map before it is taken as empty. */
  fromWindow?: number;
  /**
   * An auditor's API key: batches' bundles are read by their ledger id, which public routes no
   * longer take (decision 0020). Without it, only the windows and the map are checked.
   */
  apiKey?: string;
}

export async function monitorOnce(
  options: MonitorOptions,
): Promise<{ findings: Finding[]; windows: number; ledgersChecked: boolean }> {
  const provider = new JsonRpcProvider(options.rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
  try {
    const registry = new Contract(options.registry, REGISTRY_ABI, provider);
    const findings: Finding[] = [];
    const { map, windows } = await replayWindows(registry, options, findings);
    if (options.apiKey) await checkLedgers(registry, options.service, options.apiKey, map, findings);
    return { findings, windows, ledgersChecked: options.apiKey !== undefined };
  } finally {
    provider.destroy();
  }
}

async function replayWindows(registry: Contract, options: MonitorOptions, findings: Finding[]) {
  const latest = Number((await registry.latestWindow()).index);
  const from = options.fromWindow ?? 1;
  const published = new Map<number, PublishedLedgerMapWindow>();
  for (let after = from - 1; after < latest;) {
    const page = await getJson<{ items: PublishedLedgerMapWindow[] }>(
      `${options.service}/api/anchors/ledger-map?after=${after}&limit=500`,
    );
    if (!page || page.items.length === 0) break;
    for (const item of page.items) published.set(item.index, item);
    after = page.items.at(-1)!.index;
  }
  // The newest window may be mined before the service marks it confirmed and publishes it: the
  // replay stops before it then (the next run takes it); a gap below the newest is a finding.
  const upto = published.has(latest) ? latest : latest - 1;
  const map = new LedgerMap();
  for (let index = from; index <= upto; index++) {
    const window = published.get(index);
    if (!window) {
      findings.push({
        kind: "unpublished-window",
        window: index,
        detail: `the service publishes no change list for window ${index}`,
      });
      continue;
    }
    const anchor = await registry.anchorOf(window.root);
    const mapRoot = (await registry.mapRootOf(window.root)) as string;
    if (Number(anchor.window) !== index || mapRoot !== window.mapRoot) {
      findings.push({
        kind: "window-mismatch",
        window: index,
        detail: `the service says window ${index} is root ${window.root} with map ${window.mapRoot}; the registry has window ${anchor.window} and map ${mapRoot} for that root`,
      });
    }
    for (const change of window.changes) applyChange(map, change, index, findings);
    for (const rejection of window.rejections) {
      findings.push({
        kind: "two-versions",
        window: index,
        ledgerId: rejection.ledgerId,
        seq: rejection.seqs[0],
        detail: `window ${index} anchored events ${rejection.seqs.join(", ")} of ledger ${rejection.ledgerId} that its map refused: ${rejection.reason}`,
      });
    }
    if (map.root !== mapRoot) {
      findings.push({
        kind: "map-mismatch",
        window: index,
        detail: `replaying the published changes gives map root ${map.root}, but window ${index} anchored ${mapRoot}`,
      });
    }
  }
  return { map, windows: Math.max(0, upto - from + 1) };
}

function applyChange(
  map: LedgerMap,
  change: PublishedLedgerMapWindow["changes"][number],
  window: number,
  findings: Finding[],
): void {
  const key = change.key as Hex;
  const before = map.get(key);
  const where = { window, ledgerId: change.ledgerId, seq: change.seq };
  if (before && before.ledgerId !== change.ledgerId) {
    findings.push({
      kind: "key-reassigned",
      ...where,
      detail: `window ${window} moved key ${key} from ledger ${before.ledgerId} to ${change.ledgerId}`,
    });
  } else if (before && change.seq < before.seq) {
    findings.push({
      kind: "truncation",
      ...where,
      detail: `window ${window} moved ledger ${change.ledgerId} back from seq ${before.seq} to seq ${change.seq}`,
    });
  } else if (before && change.seq === before.seq && change.headHash !== before.headHash) {
    findings.push({
      kind: "two-versions",
      ...where,
      detail: `window ${window} anchored a second version of seq ${change.seq} of ledger ${change.ledgerId}`,
    });
  }
  map.set(key, { ledgerId: change.ledgerId, seq: change.seq, headHash: change.headHash as Hex });
}

interface PublicBundle {
  events: { hash: string; body: Record<string, unknown> }[];
}

async function checkLedgers(
  registry: Contract,
  service: string,
  apiKey: string,
  map: LedgerMap,
  findings: Finding[],
) {
  for (const [key, head] of map.entries()) {
    if (key === idLedgerKey("brand", head.ledgerId)) continue; // brand registers have no proof bundle
    const bundle = await getJson<PublicBundle>(
      `${service}/api/batches/${head.ledgerId}/proof-bundle/full`,
      apiKey,
    );
    if (!bundle) {
      findings.push({
        kind: "deleted-batch",
        ledgerId: head.ledgerId,
        seq: head.seq,
        detail: `the service no longer shows batch ${head.ledgerId}, anchored up to seq ${head.seq}`,
      });
      continue;
    }
    checkHead(bundle, head, findings);
    await checkCertifications(registry, bundle, findings);
  }
}

function checkHead(bundle: PublicBundle, head: LedgerMapValue, findings: Finding[]): void {
  const own = bundle.events.filter((event) => event.body.batchId === head.ledgerId);
  const atHead = own.find((event) => event.body.seq === head.seq);
  const shown = Math.max(0, ...own.map((event) => Number(event.body.seq)));
  const where = { ledgerId: head.ledgerId, seq: head.seq };
  if (!atHead) {
    findings.push({
      kind: "truncation",
      ...where,
      detail: `batch ${head.ledgerId} is anchored up to seq ${head.seq}, but the service shows it up to seq ${shown}`,
    });
  } else if (atHead.hash !== head.headHash) {
    findings.push({
      kind: "two-versions",
      ...where,
      detail: `the service shows seq ${head.seq} of batch ${head.ledgerId} as ${atHead.hash}; ${head.headHash} was anchored`,
    });
  }
}

async function checkCertifications(registry: Contract, bundle: PublicBundle, findings: Finding[]) {
  for (const event of bundle.events) {
    if (event.body.type !== "certifying") continue;
    const data = (event.body.data ?? {}) as Record<string, unknown>;
    const certHash = String(data.certHash);
    let issuer: string;
    try {
      issuer = recoverCertificationSigner(
        data.domain as CertificationDomain,
        data.message as CertificationMessage,
        String(data.signature),
      ).toLowerCase();
    } catch {
      continue; // a malformed signature fails the verdict itself (certificate-signatures)
    }
    if (!(await registry.isCertifier(issuer))) {
      findings.push({
        kind: "unregistered-issuer",
        certHash,
        detail: `certification ${certHash} is signed by ${issuer}, which the registry does not list as a certifier`,
      });
    }
    // Only the issuer can change its own record (decision 0014), so a status change by anyone else
    // cannot happen; what can is a certification the service shows that its signer never issued.
    const record = await registry.certificationOf(certHash, issuer);
    if (Number(record.issuedAt) === 0) {
      findings.push({
        kind: "unissued-certification",
        certHash,
        detail: `certification ${certHash} is signed by ${issuer}, but the registry records no issuance of it by that certifier`,
      });
    }
  }
}

/** GET as JSON; null for a 404, throws for anything else that is not 200. */
async function getJson<T>(url: string, apiKey?: string): Promise<T | null> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(url, { headers });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("monitor")
    .description("Follow an EcoTrace registry and its service's public data; report what an operator hid")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the registry's chain")
    .requiredOption("--registry <address>", "ProvenanceRegistry address")
    .requiredOption("--service <url>", "base URL of the EcoTrace service")
    .option("--from-window <n>", "first window to replay (the map before it is taken as empty)", "1")
    .option("--api-key <key>", "an auditor's API key, to check every batch's head against its bundle")
    .exitOverride();
  try {
    program.parse(process.argv);
  } catch (error) {
    process.exit((error as { exitCode?: number }).exitCode === 0 ? 0 : 64);
  }
  const options = program.opts<{
    rpc: string;
    registry: string;
    service: string;
    fromWindow: string;
    apiKey?: string;
  }>();
  const fromWindow = Number(options.fromWindow);
  if (!Number.isInteger(fromWindow) || fromWindow < 1) {
    console.error(`--from-window must be a window index (1 or more), got ${options.fromWindow}`);
    process.exit(64);
  }
  const { findings, windows, ledgersChecked } = await monitorOnce({
    ...options,
    service: options.service.replace(/\/$/, ""),
    fromWindow,
  });
  for (const finding of findings) console.log(JSON.stringify(finding));
  console.log(JSON.stringify({ kind: "summary", windows, ledgersChecked, findings: findings.length }));
  process.exit(findings.length > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(2);
  });
}
