import pino, { type Logger } from "pino";

export type { Logger };

/** One structured logger for the service; child loggers add fields such as batchId or root. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  return pino({
    level,
    base: { service: "ecotrace" },
    redact: { paths: ["req.headers.authorization", "apiKey", "privateKey"], censor: "[redacted]" },
    ...(options.pretty && isPinoPrettyInstalled()
      ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss" } } }
      : {}),
  });
}

/** pino-pretty is a development tool: a production install (npm ci --omit=dev) logs JSON even to a terminal. */
function isPinoPrettyInstalled(): boolean {
  try {
    require.resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}
