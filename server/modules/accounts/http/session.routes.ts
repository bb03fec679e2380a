import { Router } from "express";
import { AppError, UnauthorizedError } from "../../../platform/errors";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import type { LoginThrottle } from "../data/login-throttle";
import { logIn, logOut, type SessionLifetime, type SessionView } from "../sessions";
import { loginBody } from "./accounts.schemas";
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from "./session-cookie";

/** POST/GET/DELETE /api/session: console login, who is logged in, logout. */
export function sessionRoutes(
  deps: HttpDeps,
  registry: ApiRegistry,
  options: { lifetime: SessionLifetime; throttle: LoginThrottle },
): Router {
  const router = Router();
  const { connection } = deps;
  const tag = "session";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/session",
      summary: "Log in to the console: sets the ecotrace_session cookie, answers who and the CSRF token",
      tag,
      access: "public",
      body: loginBody,
      responses: {
        200: "{ user: { id, email, name }, organization: { id, name, role, roles }, csrfToken }",
        400: "invalid field",
        401: "wrong email or password",
        429: "too many failed logins (Retry-After: seconds)",
      },
    },
    async (req, res) => {
      const outcome = await logIn(connection, options.throttle, options.lifetime, {
        ...req.body,
        address: req.ip ?? "unknown",
        presentedToken: sessionCookieOf(req),
        now: new Date(),
      });
      if (outcome.kind === "throttled") {
        res.setHeader("Retry-After", String(outcome.retryAfterSeconds));
        throw new AppError(
          "TOO_MANY_LOGIN_ATTEMPTS",
          `too many failed logins; try again in ${outcome.retryAfterSeconds} seconds`,
          429,
        );
      }
      if (outcome.kind === "refused") throw new UnauthorizedError("the email or the password is wrong");
      setSessionCookie(req, res, outcome.token, outcome.expiresAt);
      res.json(outcome.view);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/session",
      summary: "The console session: who is logged in, for which organization, and its CSRF token",
      tag,
      access: { roles: "any" },
      responses: { 200: "same body as POST /api/session", 401: "no session" },
    },
    (_req, res) => {
      res.json(viewOf(res.locals.session));
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/api/session",
      summary: "Log out: ends the session on the server and clears the cookie (needs X-CSRF-Token)",
      tag,
      access: { roles: "any" },
      responses: { 204: "logged out", 401: "no session", 403: "X-CSRF-Token missing or wrong" },
    },
    async (req, res) => {
      viewOf(res.locals.session);
      await logOut(connection, sessionCookieOf(req)!);
      clearSessionCookie(req, res);
      res.status(204).end();
    },
  );

  return router;
}

/** The session's view without its Actor; an API key has no session. */
function viewOf(session: unknown): SessionView {
  if (!session) throw new UnauthorizedError("this request was made with an API key, not a console session");
  const { user, organization, csrfToken } = session as SessionView;
  return { user, organization, csrfToken };
}
