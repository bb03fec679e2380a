/** The accounts module's public surface: console members, sessions and invitations. */
export { bootstrapConsoleAdmin } from "./bootstrap-console-admin";
export { consoleSessions } from "./console-sessions";
export { accountRoutes } from "./http/accounts.routes";
export { SESSION_COOKIE, sessionCookieOf } from "./http/session-cookie";
