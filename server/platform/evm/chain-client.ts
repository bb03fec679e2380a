import fs from "node:fs";
import { JsonRpcProvider, Wallet, type Signer, type TransactionRequest } from "ethers";
import { ProvenanceRegistry__factory, type ProvenanceRegistry } from "../../../typechain-types";

/**
 * Everything the service needs from the chain: a provider, the service signer (the anchorer, which
 * also relays signed issuances and status changes) and the registry. `admin` is the registry
 * admin's signer, present only where the service may act as admin (embedded mode, or an admin key
 * configured explicitly); in production the admin is a cold key or multisig (decision 0014).
 */
export interface ChainClient {
  provider: JsonRpcProvider;
  signer: Wallet;
  admin: Wallet | null;
  registry: ProvenanceRegistry;
  registryAddress: string;
  chainId: bigint;
  close(): void;
}

/**
 * One request per HTTP call (`batchMaxCount: 1`): anvil and many hosted endpoints answer batched
 * calls more slowly or reject them; `staticNetwork` skips a chain-id round trip on every request;
 * no response cache (`cacheTimeout: -1`), else back-to-back transactions reuse a stale nonce.
 */
export function createProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(rpcUrl, undefined, {
    batchMaxCount: 1,
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 250,
  });
}

/**
 * The service's signers send with a fifth more gas than the node estimates: a transaction sent
 * with exactly the estimate once ran out of it (all gas used, status 0; anvil under load), which
 * the relay then had to send again. Only the limit grows; gas used, and so the fee, does not.
 */
export class HeadroomWallet extends Wallet {
  override async estimateGas(tx: TransactionRequest): Promise<bigint> {
    return ((await super.estimateGas(tx)) * 6n) / 5n;
  }
}

export function loadSigner(
  options: { privateKey?: string; keystoreFile?: string; keystorePassword?: string },
  provider: JsonRpcProvider,
): Wallet {
  if (options.privateKey) return new HeadroomWallet(normalizeKey(options.privateKey), provider);
  if (options.keystoreFile) {
    const json = fs.readFileSync(options.keystoreFile, "utf8");
    const wallet = Wallet.fromEncryptedJsonSync(json, options.keystorePassword ?? "");
    return new HeadroomWallet(wallet.privateKey, provider);
  }
  throw new Error("no chain signer configured: set CHAIN_PRIVATE_KEY or CHAIN_KEYSTORE_FILE");
}

export async function connectChain(options: {
  rpcUrl: string;
  registryAddress: string;
  signer: { privateKey?: string; keystoreFile?: string; keystorePassword?: string };
  adminPrivateKey?: string;
}): Promise<ChainClient> {
  const provider = createProvider(options.rpcUrl);
  try {
    const network = await provider.getNetwork();
    const code = await provider.getCode(options.registryAddress);
    if (code === "0x") {
      throw new Error(
        `no contract code at REGISTRY_ADDRESS ${options.registryAddress} on chain ${network.chainId}`,
      );
    }
    const signer = loadSigner(options.signer, provider);
    return {
      provider,
      signer,
      admin: options.adminPrivateKey ? loadSigner({ privateKey: options.adminPrivateKey }, provider) : null,
      registry: ProvenanceRegistry__factory.connect(options.registryAddress, signer),
      registryAddress: options.registryAddress,
      chainId: network.chainId,
      close: () => provider.destroy(),
    };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/** How long a registry admin transfer waits by default: time to notice and cancel a rogue one. */
export const DEFAULT_ADMIN_TRANSFER_DELAY_SEC = 3 * 24 * 3600;

/**
 * Deploys a registry (any account may pay for it) administered by `admin`, with `anchorer` (the
 * service's hot key) holding only the anchorer role.
 */
export async function deployRegistry(
  deployer: Signer,
  roles: { admin: string; anchorer: string; adminTransferDelaySec?: number },
): Promise<{ address: string; deployBlock: number; txHash: string }> {
  const delay = roles.adminTransferDelaySec ?? DEFAULT_ADMIN_TRANSFER_DELAY_SEC;
  const registry = await new ProvenanceRegistry__factory(deployer).deploy(roles.admin, delay, roles.anchorer);
  const receipt = await registry.deploymentTransaction()!.wait();
  return { address: await registry.getAddress(), deployBlock: receipt!.blockNumber, txHash: receipt!.hash };
}

function normalizeKey(key: string): string {
  return key.startsWith("0x") ? key : `0x${key}`;
}
