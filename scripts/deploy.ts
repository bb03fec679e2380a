/**
 * Deploys ProvenanceRegistry to any JSON-RPC chain with the registry admin and the service's
 * anchorer as separate accounts (decision 0014, docs/operations.md "Registry admin and keys"):
 *
 *   npm run deploy -- --rpc https://rpc.example --key 0x… --admin 0xMultisig… --anchorer 0xServiceKey…
 *   npm run deploy -- --rpc … --keystore key.json --password-env KEYSTORE_PASSWORD --admin … --anchorer …
 *
 * The deployer key only pays for the deployment and receives no role. `--admin` (a cold key or a
 * multisig) gets DEFAULT_ADMIN_ROLE, transferable only after `--admin-delay` seconds; `--anchorer`
 * (the address of the service's CHAIN_PRIVATE_KEY) gets ANCHORER_ROLE and nothing else.
 */
import fs from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { isAddress } from "ethers";
import {
  DEFAULT_ADMIN_TRANSFER_DELAY_SEC,
  createProvider,
  deployRegistry,
  loadSigner,
} from "../server/platform/evm/chain-client";

function address(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("must be a 0x-prefixed 20-byte address");
  return value;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed >= 2 ** 48) {
    throw new InvalidArgumentError("must be a whole number of seconds");
  }
  return parsed;
}

const program = new Command()
  .name("deploy")
  .description("Deploy the EcoTrace ProvenanceRegistry and save the deployment")
  .requiredOption("--rpc <url>", "JSON-RPC endpoint")
  .requiredOption(
    "--admin <address>",
    "registry admin: a cold key or a multisig (registers certifiers)",
    address,
  )
  .requiredOption(
    "--anchorer <address>",
    "the service signer's address (anchors roots, nothing else)",
    address,
  )
  .option(
    "--admin-delay <seconds>",
    "delay before an admin transfer takes effect",
    seconds,
    DEFAULT_ADMIN_TRANSFER_DELAY_SEC,
  )
  .option("--key <hex>", "deployer private key, pays for the deployment (or set DEPLOYER_PRIVATE_KEY)")
  .option("--keystore <file>", "encrypted JSON keystore of the deployer")
  .option("--password-env <name>", "environment variable holding the keystore password", "KEYSTORE_PASSWORD")
  .option("--out <file>", "where to write the deployment JSON", "deployment.json")
  .parse();

async function main(): Promise<void> {
  const options = program.opts<{
    rpc: string;
    admin: string;
    anchorer: string;
    adminDelay: number;
    key?: string;
    keystore?: string;
    passwordEnv: string;
    out: string;
  }>();
  const provider = createProvider(options.rpc);
  try {
    const deployer = loadSigner(
      {
        privateKey: options.key ?? process.env.DEPLOYER_PRIVATE_KEY,
        keystoreFile: options.keystore,
        keystorePassword: process.env[options.passwordEnv],
      },
      provider,
    );
    const network = await provider.getNetwork();
    const deployed = await deployRegistry(deployer, {
      admin: options.admin,
      anchorer: options.anchorer,
      adminTransferDelaySec: options.adminDelay,
    });
    const deployment = {
      rpcUrl: options.rpc,
      chainId: Number(network.chainId),
      registry: deployed.address,
      deployBlock: deployed.deployBlock,
      admin: options.admin,
      adminTransferDelaySec: options.adminDelay,
      anchorer: options.anchorer,
      txHash: deployed.txHash,
    };
    fs.writeFileSync(options.out, `${JSON.stringify(deployment, null, 2)}\n`);
    console.log(JSON.stringify(deployment, null, 2));
    console.log(
      `\nSaved to ${options.out}. Run the service with RPC_URL=${options.rpc} REGISTRY_ADDRESS=${deployed.address}` +
        ` and CHAIN_PRIVATE_KEY (or CHAIN_KEYSTORE_FILE) of ${options.anchorer}; the admin registers certifiers.`,
    );
  } finally {
    provider.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`deploy failed: ${(error as Error).message}`);
  process.exit(1);
});
