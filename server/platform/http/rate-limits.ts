import type { RequestHandler, Response } from "express";
import type { Connection } from "mongoose";
import {
  RateLimiterMemory,
  RateLimiterMongo,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { AppError } from "../errors";
import type { Logger } from "../logger";
import { ExpiredDocumentSweeper } from "../mongo/expired-documents";
import { RATE_LIMIT_COLLECTION, rateLimitCounterModel } from "./rate-limit-counter.model";

/** Requests allowed per minute, and failed authentications per address per quarter hour. */
export interface RateLimitOptions {
  perAddressPerMinute: number;
  perKeyPerMinute: number;
  authFailuresPerQuarterHour: number;
  /**
   * Count requests per address in this process's memory rather than in the database: for the
   * embedded database, which only this process can open, so every instance sharing it is here
   * (decision 0040).
   */
  addressesInMemory?: boolean;
}

/**
 * Per-address counters kept in memory, one per database connection and budget, so that every
 * instance of this process on the same (embedded) database shares them, as they would share the
 * database's counters.
 */
const addressCountersInMemory = new WeakMap<Connection, Map<number, RateLimiterMemory>>();

function addressCounterInMemory(connection: Connection, points: number): RateLimiterMemory {
  let byPoints = addressCountersInMemory.get(connection);
  if (!byPoints) addressCountersInMemory.set(connection, (byPoints = new Map()));
  let counter = byPoints.get(points);
  if (!counter)
    byPoints.set(points, (counter = new RateLimiterMemory({ keyPrefix: "address", points, duration: 60 })));
  return counter;
}

const QUARTER_HOUR_S = 15 * 60;

/**
 * Rate limits kept in MongoDB (rate-limiter-flexible), so that every instance behind a load
 * balancer counts against the same budget (decision 0019): per client address on every request
 * but /healthz, per API key once authenticated, and a small budget of failed authentications per
 * address per quarter hour that, once spent, stops the address trying keys until the quarter ends
 * (counted in the database; enforced by each instance from memory once it has seen the budget
 * spent, so an address spread over N instances gets at most N more tries). On the embedded
 * database the per-address counts stay in memory (decision 0040: a database write per request
 * cost ~0.4 CPU ms, and only this process can open that database). Over a limit
 * the answer is 429 with Retry-After. If the database cannot count, requests pass (the database
 * being down fails them anyway) and a warning is logged.
 */
export class RateLimits {
  private readonly perAddress: RateLimiterAbstract;
  private readonly perKey: RateLimiterMongo;
  private readonly authFailures: RateLimiterMongo;
  private readonly sweeper: ExpiredDocumentSweeper;
  private readonly authenticated = new WeakSet<Response>();
  private readonly blockedAddresses = new BlockedAddresses();

  constructor(
    connection: Connection,
    private readonly options: RateLimitOptions,
    private readonly logger: Logger,
  ) {
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterMongo({
        storeClient: connection,
        tableName: RATE_LIMIT_COLLECTION,
        keyPrefix,
        points,
        duration,
        disableIndexesCreation: true,
      });
    this.perAddress = options.addressesInMemory
      ? addressCounterInMemory(connection, options.perAddressPerMinute)
      : limiter("address", options.perAddressPerMinute, 60);
    this.perKey = limiter("key", options.perKeyPerMinute, 60);
    this.authFailures = limiter("auth-failures", options.authFailuresPerQuarterHour, QUARTER_HOUR_S);
    // The embedded engine has no TTL monitor: without this, each window leaves a document behind.
    const counters = rateLimitCounterModel(connection);
    this.sweeper = new ExpiredDocumentSweeper(counters, "expire");
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
      const blocked = this.blockedAddresses.refusal(address);
      if (blocked) return next(this.tooMany(res, blocked, "with failed authentication from this address"));
      await authenticate(req, res, async (error?: unknown) => {
        if (error) {
          if (error instanceof AppError && error.httpStatus === 401) await this.countFailure(address);
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

  /**
   * Counts a 401 in the shared budget; once it is spent, this instance refuses the address from
   * memory until the budget's quarter hour ends, so valid requests pay no lookup of failures.
   */
  private async countFailure(address: string): Promise<void> {
    const outcome: unknown = await this.authFailures
      .consume(address)
      .catch((rejection: unknown) => rejection);
    if (!(outcome instanceof RateLimiterRes)) {
      this.logger.warn({ err: outcome }, "failed authentication could not be counted");
    } else if (outcome.consumedPoints >= this.options.authFailuresPerQuarterHour) {
      this.blockedAddresses.block(address, outcome.msBeforeNext);
    }
  }

  /** The 429 for a limiter's rejection, or nothing when the store failed (then the request passes). */
  private refusal(res: Response, rejection: unknown, what: string): AppError | undefined {
    if (!(rejection instanceof RateLimiterRes)) {
      this.logger.warn({ err: rejection }, "rate limits could not be counted; request let through");
      return undefined;
    }
    return this.tooMany(res, rejection.msBeforeNext, what);
  }

  private tooMany(res: Response, msBeforeNext: number, what: string): AppError {
    const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    res.setHeader("retry-after", String(retryAfterSeconds));
    return new AppError("RATE_LIMITED", `too many requests ${what}; retry in ${retryAfterSeconds} s`, 429, {
      retryAfterSeconds,
    });
  }
}

/** Addresses this instance refuses until a time; bounded like the API key cache. */
class BlockedAddresses {
  private readonly until = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  block(address: string, ms: number): void {
    if (this.until.size >= this.capacity) this.until.clear();
    this.until.set(address, Date.now() + ms);
  }

  /** Milliseconds the address is still refused, or 0. */
  refusal(address: string): number {
    const until = this.until.get(address) ?? 0;
    if (until > Date.now()) return until - Date.now();
    this.until.delete(address);
    return 0;
  }
}

/** `req.ip` honours `trust proxy`: behind the load balancer it is the client's address. */
function clientAddress(ip: string | undefined): string {
  return ip ?? "unknown";
}
