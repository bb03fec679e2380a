import fs from "node:fs";
import path from "node:path";
import { Wallet, parseEther, toQuantity } from "ethers";
import type { Logger } from "../logger";
import { connectChain, createProvider, deployRegistry, type ChainClient } from "./chain-client";
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
}): Promise<{ anvil: EmbeddedAnvil; chain: ChainClient; deployment: ChainDeployment }> {
  const chainDir = path.join(options.dataDir, "chain");
  const anvil = await startEmbeddedAnvil({ dir: chainDir, port: options.port });
  try {
    const privateKey = loadOrCreateKey(path.join(chainDir, "service-key"));
    const adminPrivateKey = loadOrCreateKey(path.join(chainDir, "admin-key"));
    const provider = createProvider(anvil.rpcUrl);
    const signer = new Wallet(privateKey, provider);
    const admin = new Wallet(adminPrivateKey, provider);
    for (const account of [signer, admin]) {
      await provider.send("anvil_setBalance", [account.address, toQuantity(parseEther("1000000"))]);
    }

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
    return { anvil, chain, deployment };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

function loadOrCreateKey(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const key = Wallet.createRandom().privateKey;
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

function readDeployment(file: string): ChainDeployment | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as ChainDeployment;
}
