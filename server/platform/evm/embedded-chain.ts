import fs from "node:fs";
import path from "node:path";
import { Wallet, getCreateAddress, parseEther, toQuantity, type JsonRpcProvider } from "ethers";
import type { Logger } from "../logger";
import {
  HeadroomWallet,
  connectChain,
  createProvider,
  deployRegistry,
  type ChainClient,
} from "./chain-client";
import { startEmbeddedAnvil, type EmbeddedAnvil } from "./embedded-anvil";

export interface ChainDeployment {
  rpcUrl: string;
  chainId: number;
  registry: string;
  deployBlock: number;
  /** The registry admin's address (absent in deployments made before admin and anchorer were split). */
  admin?: string;
}

/**
 * Embedded mode: a local anvil node with state in DATA_DIR/chain; two keys, each generated once
 * into its own file (mode 600) and funded by the dev node: the service signer
 * (DATA_DIR/chain/service-key, anchorer role only) and the registry admin
 * (DATA_DIR/chain/admin-key, used only to register certifiers), so development has the same
 * separation as production (decision 0014); and a registry deployed once and recorded in
 * DATA_DIR/chain.json. Later starts reuse that deployment after checking that its code is still
 * there and that it was deployed with a separate admin.
 */
export async function startEmbeddedChain(options: {
  dataDir: string;
  port?: number;
  logger: Logger;
}): Promise<{
  anvil: EmbeddedAnvil;
  chain: ChainClient;
  deployment: ChainDeployment;
  /** Funds the keys and redeploys the registry where a reset chain lacks it (idempotent). */
  repair(): Promise<void>;
}> {
  const chainDir = path.join(options.dataDir, "chain");
  const privateKey = loadOrCreateKey(path.join(chainDir, "service-key"), chainDir);
  const adminPrivateKey = loadOrCreateKey(path.join(chainDir, "admin-key"), chainDir);
  let repairChain: () => Promise<void> = () => Promise.resolve();
  const anvil = await startEmbeddedAnvil({
    dir: chainDir,
    port: options.port,
    logger: options.logger,
    onRestarted: () => repairChain(),
  });
  try {
    const provider = createProvider(anvil.rpcUrl);
    const signer = new HeadroomWallet(privateKey, provider);
    const admin = new HeadroomWallet(adminPrivateKey, provider);
    await fund(provider, [signer, admin]);

    const deploymentFile = path.join(options.dataDir, "chain.json");
    const previous = readDeployment(deploymentFile);
    let deployment: ChainDeployment;
    if (previous?.admin === admin.address && (await provider.getCode(previous.registry)) !== "0x") {
      deployment = { ...previous, rpcUrl: anvil.rpcUrl };
      options.logger.info({ registry: deployment.registry }, "reusing the registry deployed earlier");
    } else {
      if (previous) {
        options.logger.warn(
          { registry: previous.registry },
          previous.admin
            ? "no code at the recorded registry address (chain state lost?); deploying a new registry"
            : "the recorded registry predates the separate admin key; deploying a new registry (records anchored in the old one verify only against it)",
        );
      }
      const deployed = await deployRegistry(signer, { admin: admin.address, anchorer: signer.address });
      const network = await provider.getNetwork();
      deployment = {
        rpcUrl: anvil.rpcUrl,
        chainId: Number(network.chainId),
        registry: deployed.address,
        deployBlock: deployed.deployBlock,
        admin: admin.address,
      };
      options.logger.info(
        { registry: deployment.registry, txHash: deployed.txHash },
        "deployed ProvenanceRegistry",
      );
    }
    provider.destroy();
    fs.writeFileSync(deploymentFile, `${JSON.stringify(deployment, null, 2)}\n`);
    const chain = await connectChain({
      rpcUrl: anvil.rpcUrl,
      registryAddress: deployment.registry,
      signer: { privateKey },
      adminPrivateKey,
    });
    let repairing = Promise.resolve();
    repairChain = () => {
      // Serialized: the restarted node and the anchoring worker may both ask; one deploy at a time.
      repairing = repairing
        .catch(() => undefined)
        .then(() => repairEmbeddedChain(chain, deployment, deploymentFile, options.logger));
      return repairing;
    };
    return { anvil, chain, deployment, repair: () => repairChain() };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

async function fund(provider: JsonRpcProvider, accounts: readonly Wallet[]): Promise<void> {
  for (const account of accounts) {
    await provider.send("anvil_setBalance", [account.address, toQuantity(parseEther("1000000"))]);
  }
}

/**
 * A reset embedded chain (no good state snapshot, or state files deleted) has neither balances
 * nor the registry. The registry is deployed again by the service key from its first nonce,
 * which gives the address it had (a contract address depends only on deployer and nonce), so the
 * configured address, the EIP-712 domain of stored signatures and every stored window stay valid.
 */
async function repairEmbeddedChain(
  chain: ChainClient,
  deployment: ChainDeployment,
  deploymentFile: string,
  logger: Logger,
): Promise<void> {
  await fund(chain.provider, [chain.signer, chain.admin!]);
  if ((await chain.provider.getCode(chain.registryAddress)) !== "0x") return;
  const nonce = await chain.provider.getTransactionCount(chain.signer.address, "pending");
  if (nonce !== 0 || getCreateAddress({ from: chain.signer.address, nonce }) !== chain.registryAddress) {
    throw new Error(
      `the registry ${chain.registryAddress} is gone and cannot be deployed at that address again (service key nonce ${nonce}); restart the service to deploy a new one`,
    );
  }
  const deployed = await deployRegistry(chain.signer, {
    admin: chain.admin!.address,
    anchorer: chain.signer.address,
  });
  const redeployed = { ...deployment, deployBlock: deployed.deployBlock };
  fs.writeFileSync(deploymentFile, `${JSON.stringify(redeployed, null, 2)}\n`);
  logger.warn(
    { registry: deployed.address, txHash: deployed.txHash },
    "the chain was reset: deployed the registry again at its address",
  );
}

function loadOrCreateKey(file: string, dir: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  fs.mkdirSync(dir, { recursive: true });
  const key = Wallet.createRandom().privateKey;
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

function readDeployment(file: string): ChainDeployment | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as ChainDeployment;
}
