import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AnchorWorker } from "../modules/anchoring";
import { EpcisSubscriptionWorker } from "../modules/epcis";
import { anchorWorkerOptions } from "./anchor-worker-options";
import type { Config } from "./config";
import { createApp } from "./app";
import type { Logger } from "../platform/logger";
import { closeOffThreadPool } from "../platform/threads/off-thread-pool";
import { startRuntime, type Runtime } from "./runtime";
import { bootstrapAdmin } from "../modules/organizations";
import { bootstrapConsoleAdmin } from "../modules/accounts";
import { restoreCertificationsOnChain } from "../modules/certifications";
import { repairLedgerHeads } from "../modules/ledger";
import { backfillPublicIds } from "../modules/batches";
import { LEDGERS } from "./ledgers";
import {
  forgetChainAnswers,
  verifierFor,
  VerifyThreads,
  type VerifyThreadSettings,
} from "../modules/verification";

/** A listening service: what `npm start` runs, and what `npm run demo` starts in-process. */
export interface RunningService {
  /** Where this process can reach the service (the bound interface, loopback for 0.0.0.0). */
  url: string;
  adminKey: string;
  runtime: Runtime;
  /** The threads answering `GET /api/verify` (VERIFY_THREADS > 0). */
  verifyThreads?: VerifyThreads;
  close(): Promise<void>;
}

/** Wires database, chain, admin key and console login, anchoring worker and HTTP; listens on HOST:PORT. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const runtime = await startRuntime(config, logger);
  let verifyThreads: VerifyThreads | undefined;
  try {
    const { apiKey, orgId } = await bootstrapAdmin({
      connection: runtime.connection,
      dataDir: config.DATA_DIR,
      adminApiKey: config.ADMIN_API_KEY,
      logger,
    });
    await bootstrapConsoleAdmin({
      connection: runtime.connection,
      adminOrgId: orgId,
      consoleUrl: `${config.PUBLIC_BASE_URL}/console`,
      logger,
    });
    const restored = await repairLedgerHeads(runtime.useCaseContext, LEDGERS);
    if (restored > 0) logger.warn({ restored }, "restored events whose writer stopped after committing them");
    const givenPublicIds = await backfillPublicIds(runtime.useCaseContext);
    if (givenPublicIds > 0)
      logger.info({ batches: givenPublicIds }, "gave batches stored before 0020 a public id");
    const anchorWorker = config.ANCHOR_WORKER
      ? new AnchorWorker({
          ...runtime,
          logger,
          options: anchorWorkerOptions(config),
          onChainReset: () => recoverFromChainReset(runtime, logger),
        })
      : undefined;
    const loopVerifier = verifierFor({
      useCaseContext: runtime.useCaseContext,
      chain: runtime.chain,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    });
    void loopVerifier.warm().catch(() => undefined); // the consumer pages' first verification
    if (config.VERIFY_THREADS > 0) {
      const settings = verifyThreadSettings(config, runtime);
      // The event loop's verifier (consumer pages) holds the window trees the threads share.
      const { trees } = loopVerifier;
      const loop = { chain: runtime.chain, trees };
      verifyThreads = VerifyThreads.start(config.VERIFY_THREADS, settings, loop, logger);
    }
    const app = createApp({ config, logger, ...runtime, anchorWorker, verifyThreads });
    const server = await listen(app, config.PORT, config.HOST);
    anchorWorker?.start();
    const subscriptionWorker = new EpcisSubscriptionWorker(
      { ...runtime, logger },
      {
        pollMs: config.EPCIS_SUBSCRIPTION_POLL_MS,
        backoffMs: config.EPCIS_SUBSCRIPTION_POLL_MS,
        maxBackoffMs: 10 * 60_000,
        base: config.PUBLIC_BASE_URL,
      },
    );
    subscriptionWorker.start();
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://${reachableHost(config.HOST)}:${port}`,
      adminKey: apiKey,
      runtime,
      verifyThreads,
      close: async () => {
        await anchorWorker?.stop();
        await subscriptionWorker.stop();
        server.close();
        server.closeIdleConnections();
        await verifyThreads?.close();
        await runtime.close();
        // Idle workers hold nothing open, but a stopped service should leave no threads running.
        await closeOffThreadPool();
      },
    };
  } catch (error) {
    await verifyThreads?.close();
    await runtime.close();
    throw error;
  }
}

function verifyThreadSettings(config: Config, runtime: Runtime): VerifyThreadSettings {
  return {
    databaseUri: runtime.databaseUri,
    embeddedDatabase: config.embedded.db,
    rpcUrl: runtime.chain.provider._getConnection().url,
    registryAddress: runtime.chain.registryAddress,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  };
}

/**
 * What a reset chain needs before windows are anchored again (after this process's cached chain
 * answers are forgotten): in embedded mode balances and the
 * registry (at its old address), then the certifier registrations and certifications the service
 * once relayed, from its own signed records.
 */
export async function recoverFromChainReset(runtime: Runtime, logger: Logger): Promise<void> {
  // Cached anchors and receipts describe a chain that is gone: verify asks the chain again.
  forgetChainAnswers(runtime.chain);
  await runtime.repairChain?.();
  await restoreCertificationsOnChain(runtime, logger);
}

function reachableHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once("error", reject);
  });
}
