/**
 * The console's only way to the service: the same public /api every client uses, authenticated by
 * the session cookie. State-changing requests carry the session's CSRF token (X-CSRF-Token).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** Remembered from the session answer; sent with every POST, PUT, PATCH and DELETE. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function api<T = unknown>(
  method: Method,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...extraHeaders };
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob))
    headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? safeParse(text) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http_error",
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.details,
    );
  }
  return json as T;
}

/** Sends a file body as-is (spreadsheet uploads) with its media type. */
export async function upload<T>(path: string, file: File): Promise<T> {
  const headers: Record<string, string> = { "content-type": file.type || "application/octet-stream" };
  if (csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, { method: "POST", headers, credentials: "same-origin", body: file });
  const json = safeParse(await response.text());
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    throw new ApiError(response.status, error?.code ?? "http_error", error?.message ?? "", error?.details);
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A readable line for an error: the API's message with the fields it names. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return String((error as Error)?.message ?? error);
  // Validation errors list every { field, problem }; the message already names the first one.
  const problems = Array.isArray(error.details)
    ? (error.details as { field?: string; problem?: string }[])
    : [];
  if (problems.length > 1) return problems.map((item) => `${item.field} ${item.problem}`).join("; ");
  return error.message;
}
