import type { RequestHandler } from "express";
import type { Connection } from "mongoose";
import type { OrganizationRole } from "../domain/organization-role";
import type { Actor } from "../domain/actor";
import { hashApiKey } from "../domain/api-key";
import { resolveApiKey } from "../api-keys";
import { ForbiddenError, UnauthorizedError } from "../../../platform/errors";

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

/** Resolves `Authorization: Bearer <apiKey>` to the calling organization (401 otherwise). */
export function authenticate(connection: Connection, cache: ApiKeyCache): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
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
    req.log?.setBindings?.({ orgId: actor.orgId });
    next();
  };
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
