/**
 * `npm run verify-credential -- <credential.json> --rpc <url>`: checks an EcoTrace certification
 * credential (W3C VC Data Model 2.0, GET /credentials/:certHash) with no access to the EcoTrace
 * service: the certifier's EIP-712 signature over the certification it carries, that every field
 * derived from it matches, and the registry's record on the chain the signature names — issued by
 * that certifier (so registered by the registry admin when it issued), not suspended or revoked —
 * and its validity period. Same check function as POST /api/credentials/verify.
 *
 * Exit status: 0 valid; 1 invalid or not issued (forged, altered); 2 unknown (chain unreachable);
 * 3 authentic but suspended, revoked, expired or not yet valid; 64 usage.
 */
import fs from "node:fs";
import {
  credentialVerdict,
  readCredential,
  type CredentialVerdict,
} from "../server/modules/certifications/domain/credential-check";
import type { ChainCertificationRecord } from "../server/modules/certifications/domain/certification-status";
import { rpcChainReader } from "./verify-bundle";
import { offlineCheckArgs } from "./offline-cli";

const EXIT: Record<CredentialVerdict["state"], number> = {
  valid: 0,
  invalid: 1,
  not_issued: 1,
  unknown: 2,
  suspended: 3,
  revoked: 3,
  expired: 3,
  not_yet_valid: 3,
};

export async function verifyCredentialFile(
  file: string,
  rpcUrl: string,
  nowSec: number,
): Promise<CredentialVerdict & { certHash: string | null }> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return {
      valid: false,
      state: "invalid",
      reasons: [`${file} is not a readable JSON document: ${(error as Error).message}`],
      certHash: null,
    };
  }
  const reading = readCredential(json);
  if (!reading.ok) return { ...credentialVerdict(reading, null, nowSec), certHash: null };
  const { lookup } = reading;
  let record: ChainCertificationRecord | null = null;
  const reasons: string[] = [];
  try {
    const reader = await rpcChainReader(rpcUrl, lookup.registry);
    const network = await reader.network();
    if (network.chainId !== lookup.chainId || !network.registryHasCode) {
      return {
        valid: false,
        state: "unknown",
        reasons: [
          `${rpcUrl} is chain ${network.chainId}${network.registryHasCode ? "" : " without a registry at " + lookup.registry}; the credential was issued on chain ${lookup.chainId}`,
        ],
        certHash: lookup.certHash,
      };
    }
    record = await reader.certificationOf!(lookup.certHash, lookup.issuer);
  } catch (error) {
    reasons.push(`the chain could not be read through ${rpcUrl}: ${(error as Error).message}`);
  }
  const verdict = credentialVerdict(reading, record, nowSec);
  return { ...verdict, reasons: [...verdict.reasons, ...reasons], certHash: lookup.certHash };
}

async function main(): Promise<void> {
  const args = offlineCheckArgs({
    name: "verify-credential",
    description: "Check an EcoTrace certification credential against any JSON-RPC endpoint",
    file: "credential JSON file (GET /credentials/:certHash)",
  });
  const result = await verifyCredentialFile(args.file, args.rpc, args.nowSec);
  if (args.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`credential ${result.certHash ?? "(unreadable)"}`);
    console.log(`\n${result.valid ? "VALID" : "NOT VALID"}: ${result.state.replaceAll("_", " ")}`);
    for (const reason of result.reasons) console.log(`  - ${reason}`);
  }
  process.exit(EXIT[result.state]);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
