import { Router } from "express";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { loginThrottle, type SessionLifetime } from "../sessions";
import { memberRoutes } from "./members.routes";
import { sessionRoutes } from "./session.routes";

export interface AccountSettings {
  lifetime: SessionLifetime;
  loginLimits: { perAccount: number; perAddress: number };
}

/** Every route of the accounts module: console sessions, members and invitations. */
export function accountRoutes(deps: HttpDeps, registry: ApiRegistry, settings: AccountSettings): Router {
  const throttle = loginThrottle(deps.connection, settings.loginLimits);
  const router = Router();
  router.use(sessionRoutes(deps, registry, { lifetime: settings.lifetime, throttle }));
  router.use(memberRoutes(deps, registry));
  return router;
}
