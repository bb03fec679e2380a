import fs from "node:fs";
import path from "node:path";
import type { Connection } from "mongoose";
import { connectChain, type ChainClient } from "../platform/evm/chain-client";
import { startEmbeddedChain } from "../platform/evm/embedded-chain";
import type { Config } from "./config";
import { connectDatabase, pingDatabase } from "../platform/mongo/database";
import { EMBEDDED_DB_LIMITS, startEmbeddedMongo } from "../platform/mongo/embedded/embedded-mongo";
import { DependencyUnavailableError } from "../platform/errors";
import type { Logger } from "../platform/logger";
import { type UseCaseContext, LedgerHeadCache } from "../modules/ledger";

/** The service's connections to the outside world, embedded or configured. */
export interface Runtime {
  connection: Connection;
  /** Where `connection` points (the embedded engine's address in embedded mode). */
  databaseUri: string;
  /** What use-cases need to record events: the database, the clock and the chain. */
  useCaseContext: UseCaseContext;
  chain: ChainClient;
  /** Embedded mode: funds the keys and redeploys a registry a reset chain lost. Absent otherwise. */
  repairChain?: () => Promise<void>;
  pingDatabase(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts (embedded mode) or connects to (configured mode) the database and the chain. Each
 * failure names the dependency and what to check, so that `npm start` exits with a clear message.
 */
export async function startRuntime(config: Config, logger: Logger): Promise<Runtime> {
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const { connection, uri: databaseUri } = await openDatabase(config, logger, closers);
    const { chain, repairChain } = await openChain(config, logger, closers);
    return {
      connection,
      databaseUri,
      useCaseContext: { connection, now: () => new Date(), heads: new LedgerHeadCache(), chain },
      chain,
      repairChain,
      pingDatabase: () => pingDatabase(connection),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openDatabase(config: Config, logger: Logger, closers: Array<() => Promise<void> | void>) {
  let uri = config.MONGODB_URI;
  if (!uri) {
    const embedded = await startEmbeddedMongo({
      dir: config.DATA_DIR,
      port: config.EMBEDDED_DB_PORT,
      logger,
    });
    closers.push(() => embedded.stop());
    uri = embedded.uri;
    fs.writeFileSync(path.join(config.DATA_DIR, "db.json"), `${JSON.stringify({ uri }, null, 2)}\n`);
    logger.warn(
      { engine: embedded.engine, uri, limits: EMBEDDED_DB_LIMITS },
      "embedded database running; set MONGODB_URI to use a real MongoDB in production",
    );
  }
  try {
    const connection = await connectDatabase(uri, { embedded: !config.MONGODB_URI });
    closers.push(() => connection.close());
    return { connection, uri };
  } catch (cause) {
    throw new DependencyUnavailableError(
      `cannot reach MongoDB at ${redact(uri)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

async function openChain(
  config: Config,
  logger: Logger,
  closers: Array<() => Promise<void> | void>,
): Promise<{ chain: ChainClient; repairChain?: () => Promise<void> }> {
  if (!config.RPC_URL) {
    const { anvil, chain, deployment, repair } = await startEmbeddedChain({
      dataDir: config.DATA_DIR,
      port: config.EMBEDDED_CHAIN_PORT,
      logger,
    });
    closers.push(
      () => anvil.stop(),
      () => chain.close(),
    );
    logger.info({ ...deployment }, "embedded anvil node running");
    return { chain, repairChain: repair };
  }
  try {
    const chain = await connectChain({
      rpcUrl: config.RPC_URL,
      registryAddress: config.REGISTRY_ADDRESS!,
      signer: {
        privateKey: config.CHAIN_PRIVATE_KEY,
        keystoreFile: config.CHAIN_KEYSTORE_FILE,
        keystorePassword: config.CHAIN_KEYSTORE_PASSWORD,
      },
      adminPrivateKey: config.REGISTRY_ADMIN_KEY,
    });
    closers.push(() => chain.close());
    return { chain };
  } catch (cause) {
    throw new DependencyUnavailableError(
      `cannot use the chain at ${config.RPC_URL}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]+@/, "//***@");
}
