import { Router, type Response } from "express";
import { AppError, UnauthorizedError, ValidationError } from "../../../platform/errors";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import type { LoginThrottle } from "../data/login-throttle";
import { logIn, logOut, type SessionLifetime, type SessionView } from "../sessions";
import { changePassword } from "../passwords";
import { changePasswordBody, loginBody } from "./accounts.schemas";
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from "./session-cookie";

/** /api/session: console login, who is logged in, logout, and changing one's own password. */
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
      if (outcome.kind === "throttled") refuseThrottled(res, outcome.retryAfterSeconds);
      if (outcome.kind === "refused") throw new UnauthorizedError("the email or the password is wrong");
      setSessionCookie(req, res, outcome.token, outcome.expiresAt);
      res.setHeader("Cache-Control", "no-store");
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
      // The answer holds the CSRF token: no cache may keep it.
      res.setHeader("Cache-Control", "no-store");
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

  registry.define(
    router,
    {
      method: "post",
      path: "/api/session/password",
      summary: "Change one's own password (the current one proves it); the member's other sessions end",
      tag,
      access: { roles: "any" },
      body: changePasswordBody,
      responses: {
        204: "changed",
        400: "invalid field, or body.currentPassword is wrong",
        401: "no session",
        429: "too many wrong passwords (Retry-After: seconds)",
      },
    },
    async (req, res) => {
      const { user } = viewOf(res.locals.session);
      const outcome = await changePassword(connection, options.throttle, {
        ...req.body,
        memberId: user.id,
        sessionToken: sessionCookieOf(req)!,
        address: req.ip ?? "unknown",
      });
      if (outcome.kind === "throttled") refuseThrottled(res, outcome.retryAfterSeconds);
      if (outcome.kind === "refused") {
        throw ValidationError.forField("body.currentPassword", "is not the current password");
      }
      res.status(204).end();
    },
  );

  return router;
}

function refuseThrottled(res: Response, retryAfterSeconds: number): never {
  res.setHeader("Retry-After", String(retryAfterSeconds));
  throw new AppError(
    "TOO_MANY_LOGIN_ATTEMPTS",
    `too many wrong passwords; try again in ${retryAfterSeconds} seconds`,
    429,
  );
}

/** The session's view without its Actor; an API key has no session. */
function viewOf(session: unknown): SessionView {
  if (!session) throw new UnauthorizedError("this request was made with an API key, not a console session");
  const { user, organization, csrfToken } = session as SessionView;
  return { user, organization, csrfToken };
}
