import type { RequestHandler } from "express";
import { LimitExceededError } from "../errors";

/**
 * A body parser whose "too large" answer names the configuration key that sets its limit (413),
 * so the caller learns which limit to ask about or how to split the upload.
 */
export function bodyWithinLimit(
  parser: RequestHandler,
  limit: { key: string; megabytes: number },
): RequestHandler {
  return (req, res, next) =>
    parser(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type !== "entity.too.large") return next(error);
      next(
        new LimitExceededError(limit.key, `the request body is larger than ${limit.megabytes} MB`, {
          allowed: limit.megabytes,
        }),
      );
    });
}
