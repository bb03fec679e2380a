import { expect } from "chai";
import { http, type HttpResult } from "./http";
import type { TestServer } from "./test-env";

/** A console member created through the real invitation flow, with the password they chose. */
export interface TestMember {
  id: string;
  email: string;
  password: string;
}

export async function addMember(
  server: Pick<TestServer, "baseUrl">,
  org: { id: string; key: string },
  email: string,
  role: "admin" | "member" = "member",
): Promise<TestMember> {
  const invited = await http(server.baseUrl, "POST", `/api/organizations/${org.id}/members`, {
    key: org.key,
    json: { email, name: email.split("@")[0], role },
  });
  expect(invited.status, invited.text).to.equal(201);
  const password = `correct horse ${email}`;
  const accepted = await http(server.baseUrl, "POST", `/api/invitations/${invited.body.token}/accept`, {
    json: { password },
  });
  expect(accepted.status, accepted.text).to.equal(201);
  return { id: accepted.body.id, email, password };
}

/** A logged-in browser, reduced to what matters: its session cookie and CSRF token. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
}

export async function logIn(
  server: Pick<TestServer, "baseUrl">,
  member: Pick<TestMember, "email" | "password">,
  headers: Record<string, string> = {},
): Promise<HttpResult & { session?: TestSession }> {
  const response = await http(server.baseUrl, "POST", "/api/session", {
    json: { email: member.email, password: member.password },
    headers,
  });
  const cookie = sessionCookie(response);
  return cookie ? { ...response, session: { cookie, csrfToken: response.body.csrfToken } } : response;
}

/** The value of the ecotrace_session cookie the response sets, if any. */
export function sessionCookie(response: HttpResult): string | undefined {
  const header = setCookieHeader(response);
  return header ? /^ecotrace_session=([^;]*)/.exec(header)?.[1] : undefined;
}

export function setCookieHeader(response: HttpResult): string | undefined {
  return response.headers.getSetCookie().find((value) => value.startsWith("ecotrace_session="));
}

/** A request as the console sends it: the cookie, and the CSRF token unless `csrf: false`. */
export function asSession(
  server: Pick<TestServer, "baseUrl">,
  session: TestSession,
  method: string,
  path: string,
  options: { json?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {
    cookie: `ecotrace_session=${session.cookie}`,
    ...options.headers,
  };
  if (options.csrf !== false) headers["x-csrf-token"] = session.csrfToken;
  return http(server.baseUrl, method, path, { json: options.json, headers });
}
