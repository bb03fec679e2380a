/** The accounts module's public surface: console members, sessions and invitations. */
export { consoleSessions } from "./console-sessions";
export { accountRoutes, type AccountSettings } from "./http/accounts.routes";
export { SESSION_COOKIE, sessionCookieOf } from "./http/session-cookie";
