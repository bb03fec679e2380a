/**
 * `npm run verify-bundle -- <bundle.json> --rpc <url>`: verifies an EcoTrace proof bundle against
 * any JSON-RPC endpoint of the chain it names, with no access to the EcoTrace service or its
 * database. It recomputes every event hash (RFC 8785 + keccak256), hash-chain link, lineage link
 * and Merkle proof, checks each root with the registry's anchorOf and each event with verifyLeaf,
 * checks the anchoring transactions, the certifiers' EIP-712 signatures, that the registry records
 * each certification as issued by the certifier it names (so registered by the admin), and their
 * live status, checks with the registry's newest window that every batch's latest anchored head is
 * shown (completeness, decision 0015), and explains every failure.
 *
 * Exit status: 0 verified; 1 tampered or not verifiable (malformed bundle, unknown); 2 pending
 * (not anchored yet, chain unreachable); 3 authentic but recalled, revoked or expired; 64 usage.
 */
import fs from "node:fs";
import { Contract, FetchRequest, JsonRpcProvider, Network } from "ethers";
import { chainRecordOf } from "../server/modules/certifications/domain/certification-status";
import { parseProofBundle, type ProofBundle } from "../server/modules/verification/domain/proof-bundle";
import {
  anchoringReceiptProblem,
  examineProofBundle,
  type ChainReader,
} from "../server/modules/verification/domain/proof-bundle-verify";
import { decideVerdict, type VerdictResult } from "../server/modules/verification/domain/verdict";
import { offlineCheckArgs } from "./offline-cli";

const REGISTRY_ABI = [
  "function anchorOf(bytes32 root) view returns (tuple(uint64 timestamp, uint64 blockNumber, uint32 leafCount, uint64 window))",
  "function latestWindow() view returns (tuple(uint64 index, bytes32 root, bytes32 mapRoot))",
  "function verifyLeaf(bytes32 root, bytes32[] proof, bytes32 leaf) view returns (bool)",
  "function certificationOf(bytes32 certHash, address issuer) view returns (tuple(address issuer, uint64 issuedAt, uint8 status, uint64 updatedAt))",
];

const EXIT: Record<VerdictResult["verdict"], number> = {
  verified: 0,
  tampered: 1,
  unknown: 1,
  pending: 2,
  recalled: 3,
  revoked: 3,
  "suspected-copy": 3,
  expired: 3,
};

/** A chain reader over plain JSON-RPC (ethers), with a timeout on every call. */
export async function rpcChainReader(
  rpcUrl: string,
  registry: string,
  timeoutMs = 15_000,
): Promise<ChainReader> {
  const request = () => {
    const fetch = new FetchRequest(rpcUrl);
    fetch.timeout = timeoutMs;
    return fetch;
  };
  let provider: JsonRpcProvider | null = null;
  let chainId: number | null = null;
  const connect = async () => {
    if (provider) return provider;
    const probe = request();
    probe.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
    probe.setHeader("content-type", "application/json");
    const response = await probe.send();
    response.assertOk();
    chainId = Number(BigInt((response.bodyJson as { result: string }).result));
    provider = new JsonRpcProvider(request(), Network.from(chainId), {
      staticNetwork: true,
      batchMaxCount: 1,
    });
    return provider;
  };
  const contract = async () => new Contract(registry, REGISTRY_ABI, await connect());
  return {
    async network() {
      const connected = await connect();
      return { chainId: chainId!, registryHasCode: (await connected.getCode(registry)) !== "0x" };
    },
    async anchorOf(root) {
      const anchor = (await (await contract()).anchorOf(root)) as {
        timestamp: bigint;
        blockNumber: bigint;
        leafCount: bigint;
        window: bigint;
      };
      if (anchor.timestamp === 0n) return null;
      return {
        blockNumber: Number(anchor.blockNumber),
        timestamp: Number(anchor.timestamp),
        leafCount: Number(anchor.leafCount),
        window: Number(anchor.window),
      };
    },
    async latestWindow() {
      const window = (await (await contract()).latestWindow()) as {
        index: bigint;
        root: string;
        mapRoot: string;
      };
      return { index: Number(window.index), root: window.root, mapRoot: window.mapRoot };
    },
    async verifyLeaf(root, proof, leaf) {
      return (await (await contract()).verifyLeaf(root, [...proof], leaf)) as boolean;
    },
    async anchoringTransaction(txHash, root) {
      const receipt = await (await connect()).getTransactionReceipt(txHash);
      const problem = anchoringReceiptProblem(txHash, receipt, registry, root);
      return problem ? { ok: false, problem } : { ok: true };
    },
    async certificationOf(certHash, issuer) {
      return chainRecordOf(await (await contract()).certificationOf(certHash, issuer));
    },
  };
}

export interface BundleReport extends VerdictResult {
  subject: ProofBundle["subject"] | null;
  chain: ProofBundle["chain"] | null;
}

/** Reads and verifies a bundle file; never throws for a bad bundle (the report says why). */
export async function verifyBundleFile(file: string, rpcUrl: string, nowSec: number): Promise<BundleReport> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return malformed(`${file} is not a readable JSON document: ${(error as Error).message}`);
  }
  const parsed = parseProofBundle(json);
  if (!parsed.ok) return malformed(`${file} is not a valid EcoTrace proof bundle: ${parsed.problem}`);
  const { bundle } = parsed;
  const reader = await rpcChainReader(rpcUrl, bundle.chain.registry);
  const { evidence } = await examineProofBundle(bundle, reader, { nowSec });
  return { ...decideVerdict(evidence), subject: bundle.subject, chain: bundle.chain };
}

function malformed(reason: string): BundleReport {
  return { ...decideVerdict({ found: false, reason }), subject: null, chain: null };
}

function printReport(report: BundleReport, rpcUrl: string): void {
  if (report.subject) {
    const { product, lot, batchId } = report.subject;
    console.log(`EcoTrace proof bundle: ${product.name}, lot ${lot} (batch ${batchId})`);
    console.log(
      `chain ${report.chain!.chainId}, registry ${report.chain!.registry}, checked through ${rpcUrl}`,
    );
  }
  console.log(`\nverdict: ${report.verdict.toUpperCase()}\n`);
  const marks = { pass: "ok  ", fail: "FAIL", pending: "wait", warn: "warn" } as const;
  for (const check of report.checks) console.log(`  [${marks[check.status]}] ${check.name}: ${check.detail}`);
}

async function main(): Promise<void> {
  const args = offlineCheckArgs({
    name: "verify-bundle",
    description:
      "Verify an EcoTrace proof bundle against any JSON-RPC endpoint, without the EcoTrace service",
    file: "proof bundle JSON file (GET /api/batches/:id/proof-bundle)",
  });
  const report = await verifyBundleFile(args.file, args.rpc, args.nowSec);
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report, args.rpc);
  process.exit(EXIT[report.verdict]);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
