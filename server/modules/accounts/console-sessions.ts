import type { Connection } from "mongoose";
import type { SessionAuthenticator } from "../organizations";
import { SESSION_COOKIE } from "./http/session-cookie";
import { resolveSession, type SessionLifetime } from "./sessions";

/** The organizations module's authenticate middleware, taught to accept console sessions. */
export function consoleSessions(connection: Connection, lifetime: SessionLifetime): SessionAuthenticator {
  return {
    cookieName: SESSION_COOKIE,
    resolve: (token) => resolveSession(connection, lifetime, token, new Date()),
  };
}
