/**
 * Certifier CLI: signs certifications and status changes with the certifier's own key (never sent
 * anywhere) and submits them to an EcoTrace service. Needs nothing but this script and the key.
 *
 *   npm run certify -- submit cert.json --key 0x… --api https://trace.example --api-key et_…
 *   npm run certify -- submit cert.json --keystore me.json --password-env CERT_PW --evidence report.pdf …
 *   npm run certify -- revoke <certificationId> --reason "…" --keystore me.json --password-env CERT_PW …
 *   npm run certify -- suspend|reinstate <certificationId> --reason "…" --key 0x… …
 *   npm run certify -- revoke <certificationId> --reason "…" --key 0x… --direct --rpc <url> …
 *
 * `submit` reads a certification draft (JSON: subject, scheme, certificateNumber, issuedAt,
 * validFrom, validUntil, scope?, quantityCap?, evidence?; see docs/decisions/0007), signs it as
 * EIP-712 typed data for the service's chain and registry and posts it; the service relays that
 * same signature to the registry (`issueCertificationBySig`), so the certification is issued on
 * chain by this key before it counts (decision 0014). `revoke`, `suspend` and
 * `reinstate` fetch the exact typed data from the service, check it, sign it and have the service
 * relay it; with `--direct` the certifier sends the registry transaction itself (its account
 * pays the gas). Prints the service's JSON answer; exits 1 with the error on failure.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { Command, Option } from "commander";
import { isDeepStrictEqual } from "node:util";
import { JsonRpcProvider, Wallet } from "ethers";
import { ProvenanceRegistry__factory } from "../typechain-types";
import { HeadroomWallet } from "../server/platform/evm/chain-client";
import {
  draftToMessage,
  type CertificationDraft,
} from "../server/modules/certifications/domain/certification-draft";
import { CERTIFICATION_TYPES } from "../server/modules/certifications/domain/certification-typed-data";
import {
  STATUS_CHANGE_TYPES,
  type StatusChangeTarget,
} from "../server/modules/certifications/domain/certification-status-change";

interface SignerOptions {
  key?: string;
  keystore?: string;
  passwordEnv?: string;
}

interface ApiOptions {
  api: string;
  apiKey: string;
}

function loadWallet(options: SignerOptions): Wallet {
  if (options.key) return new Wallet(options.key.startsWith("0x") ? options.key : `0x${options.key}`);
  if (options.keystore) {
    if (!options.passwordEnv)
      throw new Error("--keystore needs --password-env <VAR> naming the password variable");
    const password = process.env[options.passwordEnv];
    if (password === undefined) throw new Error(`environment variable ${options.passwordEnv} is not set`);
    const wallet = Wallet.fromEncryptedJsonSync(fs.readFileSync(options.keystore, "utf8"), password);
    return new Wallet(wallet.privateKey);
  }
  throw new Error("give the certifier key with --key <hex> or --keystore <file> --password-env <VAR>");
}

async function api(options: ApiOptions, method: string, path: string, body?: unknown) {
  const response = await fetch(`${options.api.replace(/\/$/, "")}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.apiKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = json?.error;
    throw new Error(`${method} ${path} → ${response.status} ${error?.code ?? ""}: ${error?.message ?? text}`);
  }
  return json;
}

function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

async function submit(
  file: string,
  options: SignerOptions & ApiOptions & { evidence?: string[]; registry?: string; dryRun?: boolean },
) {
  const wallet = loadWallet(options);
  const draft = JSON.parse(fs.readFileSync(file, "utf8")) as CertificationDraft;
  draft.evidence = [...(draft.evidence ?? []), ...(options.evidence ?? []).map(sha256File)];
  const typed = await api(options, "GET", "/api/certifications/eip712");
  if (!isDeepStrictEqual(typed.types, CERTIFICATION_TYPES)) {
    throw new Error(
      "the service asks to sign other certification types than this script knows; update the script",
    );
  }
  if (options.registry && typed.domain.verifyingContract.toLowerCase() !== options.registry.toLowerCase()) {
    throw new Error(`the service uses registry ${typed.domain.verifyingContract}, not ${options.registry}`);
  }
  const message = draftToMessage(draft, wallet.address, `0x${randomBytes(32).toString("hex")}`);
  const signature = await wallet.signTypedData(typed.domain, CERTIFICATION_TYPES, message);
  const signed = { domain: typed.domain, message, signature };
  return options.dryRun ? signed : api(options, "POST", "/api/certifications", signed);
}

const DIRECT_CALLS = {
  revoked: "revokeCertification",
  suspended: "suspendCertification",
  reinstated: "reinstateCertification",
} as const;

async function changeStatus(
  certificationId: string,
  target: StatusChangeTarget,
  options: SignerOptions & ApiOptions & { reason: string; ttl?: string; direct?: boolean; rpc?: string },
) {
  const wallet = loadWallet(options);
  const query = new URLSearchParams({
    status: target,
    reason: options.reason,
    ...(options.ttl ? { ttlSec: options.ttl } : {}),
  });
  const template = await api(
    options,
    "GET",
    `/api/certifications/${certificationId}/revocation-template?${query}`,
  );
  const { domain, types, message, relayPath } = template;
  if (message.certifier.toLowerCase() !== wallet.address.toLowerCase()) {
    throw new Error(
      `certification ${certificationId} was issued by ${message.certifier}, not by this key's ${wallet.address}`,
    );
  }
  if (domain.name !== "ProvenanceRegistry" || !isDeepStrictEqual(types, STATUS_CHANGE_TYPES)) {
    throw new Error("the service asks to sign something other than a registry status change; refusing");
  }
  if (
    message.reason !== options.reason ||
    message.status !== { reinstated: 0, suspended: 1, revoked: 2 }[target]
  ) {
    throw new Error("the template does not say what was asked; refusing to sign it");
  }
  if (options.direct) {
    if (!options.rpc) throw new Error("--direct needs --rpc <url> to send the transaction");
    const provider = new JsonRpcProvider(options.rpc, undefined, { staticNetwork: true });
    try {
      // With the node's exact gas estimate this call once ran out of gas (all 35,694 used, status
      // 0): the certifier's own transaction gets the headroom the service's signers have.
      const registry = ProvenanceRegistry__factory.connect(
        domain.verifyingContract,
        new HeadroomWallet(wallet.privateKey, provider),
      );
      const tx = await registry[DIRECT_CALLS[target]](message.certHash, options.reason);
      const receipt = await tx.wait();
      const certification = await api(options, "GET", `/api/certifications/${certificationId}`);
      return { txHash: receipt!.hash, blockNumber: receipt!.blockNumber, certification };
    } finally {
      provider.destroy();
    }
  }
  const signature = await wallet.signTypedData(domain, types, message);
  return api(options, "POST", relayPath, {
    reason: message.reason,
    nonce: message.nonce,
    deadline: message.deadline,
    signature,
  });
}

function withCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--key <hex>",
        "certifier private key (visible to other local users in ps; prefer --keystore)",
      ).env("CERTIFIER_KEY"),
    )
    .option("--keystore <file>", "encrypted JSON keystore of the certifier key")
    .option("--password-env <VAR>", "environment variable holding the keystore password")
    .addOption(new Option("--api <url>", "EcoTrace service URL").env("ECOTRACE_API").makeOptionMandatory())
    .addOption(
      new Option("--api-key <key>", "the certifier organization's API key")
        .env("ECOTRACE_API_KEY")
        .makeOptionMandatory(),
    );
}

const program = new Command()
  .name("certify")
  .description("EcoTrace certifier CLI: sign with your own key, submit");

withCommonOptions(
  program.command("submit <file>").description("sign a certification draft (JSON) and submit it"),
)
  .option("--evidence <files...>", "documents whose SHA-256 is added to the evidence list")
  .option("--registry <address>", "refuse unless the service uses this registry")
  .option("--dry-run", "print the signed certification instead of submitting it")
  .action(async (file: string, options) => print(await submit(file, options)));

for (const target of ["revoked", "suspended", "reinstated"] as const) {
  const verb = { revoked: "revoke", suspended: "suspend", reinstated: "reinstate" }[target];
  withCommonOptions(program.command(`${verb} <certificationId>`).description(`${verb} a certification`))
    .requiredOption("--reason <text>", "reason, signed and emitted on chain")
    .option("--ttl <seconds>", "how long the signature stays valid (default 3600)")
    .option(
      "--direct",
      "send the registry transaction with the certifier key instead of having the service relay it",
    )
    .option("--rpc <url>", "JSON-RPC endpoint for --direct")
    .action(async (certificationId: string, options) =>
      print(await changeStatus(certificationId, target, options)),
    );
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

program.parseAsync().catch((error: Error) => {
  console.error(`certify: ${error.message}`);
  process.exit(1);
});
