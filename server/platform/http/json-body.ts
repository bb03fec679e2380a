import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import express, { type RequestHandler } from "express";
import { AppError, ValidationError } from "../errors";
import { rememberBodyBytes } from "./idempotency";

/** Deeper JSON has no use here and would overflow the recursive checks that run after parsing. */
export const MAX_JSON_DEPTH = 64;

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
    // A body parsed by an earlier jsonBody (the capture route's) has been checked already.
    if (checked.has(req)) return next();
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      checked.add(req);
      next(isPlainJson(req.body) ? undefined : plainJsonProblem(req.body));
    });
  };
}

const checked = new WeakSet<IncomingMessage>();

function checkBytes(req: IncomingMessage, _res: unknown, bytes: Buffer, encoding: string): void {
  if (encoding === "utf-8" && !isUtf8(bytes)) {
    throw new AppError("INVALID_UTF8", "request body is not valid UTF-8", 400);
  }
  rememberBodyBytes(req, bytes);
}

/**
 * Whether the parsed body is within depth and has finite numbers only: the fast check every body
 * gets (no recursion, no allocation per value); plainJsonProblem then names the field.
 */
function isPlainJson(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return false;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return false;
    const container = value as Record<string, unknown>;
    for (const key in container) {
      const child = container[key];
      if (typeof child === "object" || typeof child === "number") {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

interface Node {
  value: unknown;
  depth: number;
  parent?: Node;
  key?: string | number;
}

/** The first problem isPlainJson found, with its path (walked without recursion too). */
function plainJsonProblem(body: unknown): ValidationError | undefined {
  const pending: Node[] = [{ value: body, depth: 0 }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value, depth } = node;
    if (typeof value === "number" && !Number.isFinite(value)) {
      return ValidationError.forField(pathOf(node), "must be a finite number (it overflows a 64-bit double)");
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) {
      return ValidationError.forField(pathOf(node), `is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    for (const [key, child] of Object.entries(value)) {
      pending.push({
        value: child,
        depth: depth + 1,
        parent: node,
        key: Array.isArray(value) ? Number(key) : key,
      });
    }
  }
  return undefined;
}

function pathOf(node: Node): string {
  let path = "";
  for (let at: Node | undefined = node; at?.parent; at = at.parent) {
    path = (typeof at.key === "number" ? `[${at.key}]` : `.${at.key}`) + path;
  }
  return `body${path}`;
}
