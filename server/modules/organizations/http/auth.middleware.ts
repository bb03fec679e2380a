import { timingSafeEqual } from "node:crypto";
import type { NextFunction, RequestHandler, Response } from "express";
import type { Connection } from "mongoose";
import type { OrganizationRole } from "../domain/organization-role";
import type { Actor } from "../domain/actor";
import { hashApiKey } from "../domain/api-key";
import { resolveApiKey } from "../api-keys";
import { AppError, ForbiddenError, UnauthorizedError } from "../../../platform/errors";
import { runAsPrincipal } from "../../../platform/request-principal";

/**
 * Recently resolved keys, so that a request costs no database round trip for authentication.
 * Entries live `ttlMs`; revoking or rotating a key clears the cache of the instance that did it at
 * once, other instances follow within `ttlMs`.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { actor: Actor; expires: number }>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly capacity = 10_000,
  ) {}

  get(keyHash: string): Actor | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry || entry.expires < Date.now()) return undefined;
    return entry.actor;
  }

  set(keyHash: string, actor: Actor): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(keyHash, { actor, expires: Date.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * How a console session is checked. The accounts module implements it; this module only knows
 * that a session cookie resolves to an Actor and carries a CSRF token (or why it is refused).
 */
export interface SessionAuthenticator {
  cookieName: string;
  resolve(token: string): Promise<{ actor: Actor; csrfToken: string } | string>;
}

/** Methods that change nothing; every other method needs the CSRF token when a cookie authenticates. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_HEADER = "X-CSRF-Token";

/**
 * One authorization model for keys and people: `Authorization: Bearer <apiKey>` resolves to the
 * key's organization; without that header, the console session cookie resolves to its member's
 * organization, and a state-changing request must also carry the session's CSRF token (a browser
 * sends the cookie by itself; only a page of our origin can read the token). 401 otherwise.
 * `res.locals.actor` is the result either way; `res.locals.session` is the resolved session.
 */
export function authenticate(
  connection: Connection,
  cache: ApiKeyCache,
  sessions?: SessionAuthenticator,
): RequestHandler {
  return async (req, res, next) => {
    // cookie-parser turns a `j:`-prefixed value into an object: only a string can be a session id.
    const cookie = sessions && (req.cookies as Record<string, unknown> | undefined)?.[sessions.cookieName];
    const sessionToken = typeof cookie === "string" && cookie !== "" ? cookie : undefined;
    if (req.headers.authorization !== undefined || !sessions || !sessionToken) {
      return authenticateKey(connection, cache, req.headers.authorization, res, next);
    }
    const session = await sessions.resolve(sessionToken);
    if (typeof session === "string") return next(new UnauthorizedError(session));
    if (!SAFE_METHODS.has(req.method) && !sameToken(req.get(CSRF_HEADER), session.csrfToken)) {
      return next(
        new AppError(
          "CSRF_TOKEN_INVALID",
          `the ${CSRF_HEADER} header is missing or is not this session's token (GET /api/session returns it)`,
          403,
          [{ field: `header.${CSRF_HEADER}`, problem: "must equal the session's csrfToken" }],
        ),
      );
    }
    res.locals.actor = session.actor;
    res.locals.session = session;
    req.log?.setBindings?.({ orgId: session.actor.orgId, memberId: session.actor.member?.id });
    runAsPrincipal({ kind: "member", id: session.actor.member!.id }, next);
  };
}

async function authenticateKey(
  connection: Connection,
  cache: ApiKeyCache,
  authorization: string | undefined,
  res: Response,
  next: NextFunction,
) {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) return next(new UnauthorizedError());
  const keyHash = hashApiKey(match[1]);
  let actor = cache.get(keyHash);
  if (!actor) {
    const resolved = await resolveApiKey(connection, keyHash);
    if (typeof resolved === "string") return next(new UnauthorizedError(resolved));
    actor = resolved;
    cache.set(keyHash, actor);
  }
  res.locals.actor = actor;
  res.req.log?.setBindings?.({ orgId: actor.orgId, keyId: actor.keyId });
  runAsPrincipal({ kind: "apiKey", id: actor.keyId! }, next);
}

/** Compares in constant time, so that the token cannot be guessed byte by byte from timings. */
function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireRoles(roles: readonly OrganizationRole[]): RequestHandler {
  return (_req, res, next) => {
    const actor = res.locals.actor as Actor;
    if (actor.roles.some((role) => roles.includes(role))) return next();
    next(
      new ForbiddenError(
        `this action needs one of the roles ${roles.join(", ")}; the caller has ${actor.roles.join(", ")}`,
      ),
    );
  };
}

export function actorOf(res: { locals: Record<string, unknown> }): Actor {
  return res.locals.actor as Actor;
}
