import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import express, { type RequestHandler } from "express";
import { AppError } from "../errors";
import { rememberBodyBytes } from "./idempotency";
import { jsonValueProblem } from "./plain-json";

export { MAX_JSON_DEPTH } from "./plain-json";

/**
 * The JSON body parser of every route: express.json, then refusals with a 400 naming the field
 * for what JSON.parse accepts but the service cannot take: invalid UTF-8 (which body-parser would
 * silently turn into U+FFFD, so a stored string would differ from the bytes sent), nesting deeper
 * than MAX_JSON_DEPTH, and numbers too large for a double (`1e999` parses to Infinity). The bytes
 * as received are what an Idempotency-Key's fingerprint covers.
 */
export function jsonBody(options: { limit: string | number; type?: string | string[] }): RequestHandler {
  const parse = express.json({ limit: options.limit, type: options.type, strict: true, verify: checkBytes });
  return (req, res, next) => {
    // A body already parsed and checked (by a jsonBody mounted earlier) is not checked again.
    if (checked.has(req)) return next();
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      checked.add(req);
      next(jsonValueProblem(req.body));
    });
  };
}

const checked = new WeakSet<IncomingMessage>();

function checkBytes(req: IncomingMessage, _res: unknown, bytes: Buffer, encoding: string): void {
  if (encoding === "utf-8") checkJsonBytes(req, bytes);
  else rememberBodyBytes(req, bytes);
}

/**
 * For a JSON body read as bytes (the capture route, parsed off the event loop): refuses invalid
 * UTF-8, which decoding would silently turn into U+FFFD, and keeps the bytes' digest for an
 * Idempotency-Key's fingerprint.
 */
export function checkJsonBytes(req: IncomingMessage, bytes: Buffer): void {
  if (!isUtf8(bytes)) throw new AppError("INVALID_UTF8", "request body is not valid UTF-8", 400);
  rememberBodyBytes(req, bytes);
}
