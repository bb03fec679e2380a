import { createContext, useContext } from "react";
import { api, setCsrfToken } from "../api/api-client";

/** What POST/GET /api/session answer: who is logged in, for which organization, and the CSRF token. */
export interface Session {
  user: { id: string; email: string; name: string };
  /** `role`: the member's role in the organization (admin or member); `roles`: what the organization does. */
  organization: { id: string; name: string; role: string; roles: string[] };
  csrfToken: string;
}

export async function logIn(email: string, password: string): Promise<Session> {
  const session = await api<Session>("POST", "/api/session", { email, password });
  setCsrfToken(session.csrfToken);
  return session;
}

/** The session of the cookie this browser holds, or null. */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await api<Session>("GET", "/api/session");
    setCsrfToken(session.csrfToken);
    return session;
  } catch {
    return null;
  }
}

export async function logOut(): Promise<void> {
  await api("DELETE", "/api/session");
  setCsrfToken(undefined);
}

export const SessionContext = createContext<{ session: Session; signOut(): void } | null>(null);

export function useSession(): { session: Session; signOut(): void } {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a logged-in console");
  return value;
}
