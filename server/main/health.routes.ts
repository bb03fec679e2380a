import { Router } from "express";
import { anchoringBacklog } from "../modules/anchoring";
import type { HttpDeps } from "../modules/http-deps";

/** What the health check asks: the database, the chain and the anchoring backlog. */
type HealthDeps = Pick<HttpDeps, "connection" | "chain"> & { pingDatabase(): Promise<void> };

const CHECK_TIMEOUT_MS = 3_000;

/**
 * GET /healthz: 200 when the database and the chain answer, 503 naming what failed. Load
 * balancers and the README's start-up check use it.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get("/healthz", async (_req, res) => {
    const [db, chain, anchoring] = await Promise.allSettled([
      withTimeout(deps.pingDatabase(), "database"),
      withTimeout(chainStatus(deps), "chain"),
      withTimeout(anchoringBacklog(deps.connection), "anchoring backlog"),
    ]);
    const body = {
      status: db.status === "fulfilled" && chain.status === "fulfilled" ? "ok" : "unavailable",
      db: db.status === "fulfilled" ? "ok" : { status: "unavailable", error: reason(db) },
      chain: chain.status === "fulfilled" ? chain.value : { status: "unavailable", error: reason(chain) },
      // Informative: a backlog does not make the service unhealthy (events are still accepted).
      anchoring:
        anchoring.status === "fulfilled"
          ? anchoring.value
          : { status: "unavailable", error: reason(anchoring) },
    };
    res.status(body.status === "ok" ? 200 : 503).json(body);
  });
  return router;
}

async function chainStatus(deps: HealthDeps) {
  const blockNumber = await deps.chain.provider.getBlockNumber();
  return { chainId: Number(deps.chain.chainId), registry: deps.chain.registryAddress, blockNumber };
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reason(result: PromiseSettledResult<unknown>): string {
  if (result.status === "fulfilled") return "";
  const error = result.reason as { shortMessage?: string; message?: string };
  return error?.shortMessage ?? error?.message ?? String(result.reason);
}
