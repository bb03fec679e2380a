import type { Connection } from "mongoose";
import { RateLimiterMongo } from "rate-limiter-flexible";

const WINDOW_SECONDS = 15 * 60;

/**
 * Counts failed console logins per account (email) and per client address in MongoDB, so that
 * every instance behind a load balancer shares the counts. Past the limit, logins are refused
 * until the window ends, even with the right password: guessing gets nowhere either way.
 */
export class LoginThrottle {
  private readonly byAccount: RateLimiterMongo;
  private readonly byAddress: RateLimiterMongo;

  constructor(
    connection: Connection,
    limits: { perAccount: number; perAddress: number },
  ) {
    const common = { storeClient: connection.db, tableName: "loginfailures", duration: WINDOW_SECONDS };
    this.byAccount = new RateLimiterMongo({ ...common, keyPrefix: "account", points: limits.perAccount });
    this.byAddress = new RateLimiterMongo({ ...common, keyPrefix: "address", points: limits.perAddress });
  }

  /** Seconds until another login may be tried for this account from this address; 0: now. */
  async waitSeconds(email: string, address: string): Promise<number> {
    const [account, client] = await Promise.all([this.byAccount.get(email), this.byAddress.get(address)]);
    const blocked = [
      { state: account, limit: this.byAccount.points },
      { state: client, limit: this.byAddress.points },
    ].filter(({ state, limit }) => state !== null && state.consumedPoints >= limit);
    if (blocked.length === 0) return 0;
    return Math.max(...blocked.map(({ state }) => Math.ceil(state!.msBeforeNext / 1000)), 1);
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all([this.byAccount.penalty(email), this.byAddress.penalty(address)]);
  }

  /** A successful login clears the account's count (not the address's: one success there proves little). */
  async recordSuccess(email: string): Promise<void> {
    await this.byAccount.delete(email);
  }
}
