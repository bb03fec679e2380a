import { Schema, type Connection } from "mongoose";
import { modelFor } from "../mongo/model-for";

/**
 * A rate-limit window as rate-limiter-flexible's RateLimiterMongo writes it (`key` is
 * `<prefix>:<address or key id>`). Declared here so that mongoose creates the indexes the library
 * expects, like every other collection's, instead of the library doing it and printing failures
 * to the console.
 */
export interface RateLimitCounterDoc {
  key: string;
  points: number;
  expire: Date | null;
}

export const RATE_LIMIT_COLLECTION = "ratelimits";

const rateLimitCounterSchema = new Schema<RateLimitCounterDoc>(
  { key: { type: String, required: true }, points: Number, expire: Date },
  { versionKey: false, collection: RATE_LIMIT_COLLECTION },
);
rateLimitCounterSchema.index({ key: 1 }, { unique: true });
// Real MongoDB deletes ended windows; the embedded engine needs the sweeper (rate-limits.ts).
rateLimitCounterSchema.index({ expire: -1 }, { expireAfterSeconds: 0 });

export function rateLimitCounterModel(connection: Connection) {
  return modelFor(connection, "RateLimitCounter", rateLimitCounterSchema);
}
