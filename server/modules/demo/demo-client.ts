/**
 * The demo seed's HTTP client: it talks to EcoTrace exactly as any client does, over the public
 * API with an organization's API key, so that seeding also exercises the product end to end.
 */
export class DemoApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`${method} ${path} → ${status}${code ? ` ${code}` : ""}: ${detail}`);
    this.name = "DemoApiError";
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the seed reads JSON answers of many routes
export type Json = any;

export interface DemoClient {
  readonly baseUrl: string;
  get(key: string | undefined, path: string): Promise<Json>;
  post(key: string, path: string, body?: unknown): Promise<Json>;
  put(key: string, path: string, body: unknown): Promise<Json>;
  /** A binary answer (QR PNG, label PDF). */
  bytes(key: string | undefined, path: string): Promise<Buffer>;
}

export function demoClient(baseUrl: string, options: { signal?: AbortSignal } = {}): DemoClient {
  const base = baseUrl.replace(/\/+$/, "");
  const send = async (method: string, key: string | undefined, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
    if (!response.ok) {
      const text = await response.text();
      const error = parseJson(text)?.error;
      throw new DemoApiError(
        method,
        path,
        response.status,
        error?.code,
        error?.message ?? text.slice(0, 300),
      );
    }
    return response;
  };
  return {
    baseUrl: base,
    get: async (key, path) => (await send("GET", key, path)).json(),
    post: async (key, path, body) => (await send("POST", key, path, body)).json(),
    put: async (key, path, body) => (await send("PUT", key, path, body)).json(),
    bytes: async (key, path) => Buffer.from(await (await send("GET", key, path)).arrayBuffer()),
  };
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
