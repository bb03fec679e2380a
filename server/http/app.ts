import { randomUUID } from "node:crypto";
import express, { type Express } from "express";
import type { Connection } from "mongoose";
import { pinoHttp } from "pino-http";
import type { ChainClient } from "../chain/chain-client";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { errorHandler, notFoundHandler } from "./middleware/error-handler";
import { healthRoutes } from "./routes/health.routes";

export interface AppDeps {
  config: Config;
  logger: Logger;
  connection: Connection;
  chain: ChainClient;
  pingDatabase(): Promise<void>;
}

/** Builds the express application. Never listens: start.ts and the tests do that. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.set("query parser", "simple");

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" },
    }),
  );
  app.use(express.json({ limit: deps.config.BODY_LIMIT, strict: true }));

  app.use(healthRoutes(deps));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
