import type { RequestHandler, Response } from "express";
import type { Connection } from "mongoose";
import { RateLimiterMongo, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors";
import type { Logger } from "../logger";
import { ExpiredDocumentSweeper } from "../mongo/expired-documents";

/** Requests allowed per minute, and failed authentications per address per quarter hour. */
export interface RateLimitOptions {
  perAddressPerMinute: number;
  perKeyPerMinute: number;
  authFailuresPerQuarterHour: number;
}

const COLLECTION = "ratelimits";
const QUARTER_HOUR_S = 15 * 60;

/**
 * Rate limits kept in MongoDB (rate-limiter-flexible), so that every instance behind a load
 * balancer counts against the same budget (decision 0019): per client address on every request
 * but /healthz, per API key once authenticated, and a small budget of failed authentications per
 * address per quarter hour that, once spent, stops the address trying keys until the quarter ends. Over a limit
 * the answer is 429 with Retry-After. If the database cannot count, requests pass (the database
 * being down fails them anyway) and a warning is logged.
 */
export class RateLimits {
  private readonly perAddress: RateLimiterMongo;
  private readonly perKey: RateLimiterMongo;
  private readonly authFailures: RateLimiterMongo;
  private readonly sweeper: ExpiredDocumentSweeper;
  private readonly authenticated = new WeakSet<Response>();

  constructor(
    connection: Connection,
    private readonly options: RateLimitOptions,
    private readonly logger: Logger,
  ) {
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterMongo({ storeClient: connection, tableName: COLLECTION, keyPrefix, points, duration });
    this.perAddress = limiter("address", options.perAddressPerMinute, 60);
    this.perKey = limiter("key", options.perKeyPerMinute, 60);
    this.authFailures = limiter("auth-failures", options.authFailuresPerQuarterHour, QUARTER_HOUR_S);
    // The embedded engine has no TTL monitor: without this, each window leaves a document behind.
    this.sweeper = new ExpiredDocumentSweeper(connection.collection(COLLECTION), "expire");
  }

  /** Every request but the load balancer's health checks counts against its client address. */
  byAddress(): RequestHandler {
    return (req, res, next) => {
      if (req.path === "/healthz") return next();
      this.sweeper.sweep((error) => this.logger.warn({ err: error }, "could not sweep rate-limit counters"));
      this.perAddress.consume(clientAddress(req.ip)).then(
        () => next(),
        (rejection: unknown) => next(this.refusal(res, rejection, "from this address")),
      );
    };
  }

  /**
   * Wraps authentication: an address that spent its failed-authentication budget is refused before
   * its key is even looked up, a 401 spends from that budget, and an authenticated request counts
   * against its key (`keyOf`). Runs once per request even where authentication is wired twice.
   */
  guardAuthentication(authenticate: RequestHandler, keyOf: (res: Response) => string): RequestHandler {
    return async (req, res, next) => {
      if (this.authenticated.has(res)) return next();
      const address = clientAddress(req.ip);
      const failures = await this.authFailures.get(address).catch(() => null);
      if (failures && failures.consumedPoints >= this.options.authFailuresPerQuarterHour) {
        return next(this.refusal(res, failures, "with failed authentication from this address"));
      }
      await authenticate(req, res, (error?: unknown) => {
        if (error) {
          if (error instanceof AppError && error.httpStatus === 401) {
            this.authFailures.consume(address).catch(() => undefined);
          }
          return next(error);
        }
        this.authenticated.add(res);
        this.perKey.consume(keyOf(res)).then(
          () => next(),
          (rejection: unknown) => next(this.refusal(res, rejection, "with this API key")),
        );
      });
    };
  }

  /** The 429 for a limiter's rejection, or nothing when the store failed (then the request passes). */
  private refusal(res: Response, rejection: unknown, what: string): AppError | undefined {
    if (!(rejection instanceof RateLimiterRes)) {
      this.logger.warn({ err: rejection }, "rate limits could not be counted; request let through");
      return undefined;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    res.setHeader("retry-after", String(retryAfterSeconds));
    return new AppError("RATE_LIMITED", `too many requests ${what}; retry in ${retryAfterSeconds} s`, 429, {
      retryAfterSeconds,
    });
  }
}

/** `req.ip` honours `trust proxy`: behind the load balancer it is the client's address. */
function clientAddress(ip: string | undefined): string {
  return ip ?? "unknown";
}
