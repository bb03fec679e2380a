/**
 * Deploys ProvenanceRegistry to any JSON-RPC chain and grants the deployer the anchorer role.
 *
 *   npm run deploy -- --rpc https://rpc.example --key 0x… [--out deployment.json]
 *   npm run deploy -- --rpc … --keystore key.json --password-env KEYSTORE_PASSWORD
 */
import fs from "node:fs";
import { Command } from "commander";
import { createProvider, deployRegistry, loadSigner } from "../server/platform/evm/chain-client";

const program = new Command()
  .name("deploy")
  .description("Deploy the EcoTrace ProvenanceRegistry and save the deployment")
  .requiredOption("--rpc <url>", "JSON-RPC endpoint")
  .option("--key <hex>", "deployer private key (or set DEPLOYER_PRIVATE_KEY)")
  .option("--keystore <file>", "encrypted JSON keystore of the deployer")
  .option("--password-env <name>", "environment variable holding the keystore password", "KEYSTORE_PASSWORD")
  .option("--out <file>", "where to write the deployment JSON", "deployment.json")
  .parse();

async function main(): Promise<void> {
  const options = program.opts<{
    rpc: string;
    key?: string;
    keystore?: string;
    passwordEnv: string;
    out: string;
  }>();
  const provider = createProvider(options.rpc);
  try {
    const signer = loadSigner(
      {
        privateKey: options.key ?? process.env.DEPLOYER_PRIVATE_KEY,
        keystoreFile: options.keystore,
        keystorePassword: process.env[options.passwordEnv],
      },
      provider,
    );
    const network = await provider.getNetwork();
    const deployed = await deployRegistry(signer);
    const deployment = {
      rpcUrl: options.rpc,
      chainId: Number(network.chainId),
      registry: deployed.address,
      deployBlock: deployed.deployBlock,
      admin: signer.address,
      txHash: deployed.txHash,
    };
    fs.writeFileSync(options.out, `${JSON.stringify(deployment, null, 2)}\n`);
    console.log(JSON.stringify(deployment, null, 2));
    console.log(
      `\nSaved to ${options.out}. Run the service with RPC_URL=${options.rpc} REGISTRY_ADDRESS=${deployed.address}`,
    );
  } finally {
    provider.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`deploy failed: ${(error as Error).message}`);
  process.exit(1);
});
