import { performance } from "node:perf_hooks";
import { Router } from "express";
import { anchoringHealth } from "../modules/anchoring";
import type { HttpDeps } from "../modules/http-deps";
import { assessHealth } from "./health-assessment";

/** What the health check asks: the database, the chain, the anchoring backlog and this instance's worker. */
type HealthDeps = Pick<HttpDeps, "connection" | "chain"> & {
  config: { ANCHOR_LAG_DEGRADED_SECONDS: number };
  pingDatabase(): Promise<void>;
  anchorWorker?: { status(): { consecutiveFailures: number; lastError: string | null } };
};

const CHECK_TIMEOUT_MS = 3_000;

/**
 * GET /healthz: `ok`, `degraded` or `unavailable` with the `reasons` (health-assessment.ts), and
 * what each part answered. A degraded service still serves and accepts events, so it answers 200
 * by default (an orchestrator must not restart it for a slow chain); `?strict=1` answers 503 when
 * degraded too, for a load balancer that should prefer another instance. Unavailable is 503 always.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get("/healthz", async (req, res) => {
    const timings: string[] = [];
    const timed = <T>(name: string, check: Promise<T>): Promise<T> => {
      const started = performance.now();
      return check.finally(() => timings.push(`${name};dur=${(performance.now() - started).toFixed(1)}`));
    };
    const [db, chain, anchoring] = await Promise.allSettled([
      timed("db", withTimeout(deps.pingDatabase(), "database")),
      timed("chain", withTimeout(chainStatus(deps), "chain")),
      timed("anchoring", withTimeout(anchoringHealth(deps.connection), "anchoring backlog")),
    ]);
    // How long each check took (Server-Timing): where a slow probe waited, for operators and benches.
    res.setHeader("server-timing", timings.join(", "));
    const backlog = anchoring.status === "fulfilled" ? anchoring.value.backlog : null;
    const progress = anchoring.status === "fulfilled" ? anchoring.value.secondsSinceProgress : null;
    const { status, reasons } = assessHealth({
      dbUp: db.status === "fulfilled",
      chainError: chain.status === "fulfilled" ? null : reason(chain),
      backlog: backlog && { ...backlog, secondsSinceProgress: progress },
      worker: deps.anchorWorker?.status() ?? null,
      lagDegradedSeconds: deps.config.ANCHOR_LAG_DEGRADED_SECONDS,
    });
    const body = {
      status,
      reasons,
      db: db.status === "fulfilled" ? "ok" : { status: "unavailable", error: reason(db) },
      chain: chain.status === "fulfilled" ? chain.value : { status: "unavailable", error: reason(chain) },
      anchoring: backlog ?? { status: "unavailable", error: reason(anchoring) },
    };
    const strict = req.query.strict === "1" || req.query.strict === "true";
    res.status(status === "ok" || (status === "degraded" && !strict) ? 200 : 503).json(body);
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
