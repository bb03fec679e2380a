import os from "node:os";
import path from "node:path";
import express from "express";
import { z } from "zod";
import { ANCHOR_FAULTS } from "../modules/anchoring";

/**
 * The only reader of environment variables. Every key has a description and a default so that
 * `npm start` works with no configuration (embedded database and chain) and `--help`-style
 * documentation (README table) can be generated from the same schema.
 */
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const port = z.coerce.number().int().min(0).max(65_535);
const hexKey = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
/** An integer setting whose default depends on other settings (resolved in loadConfig). */
const optionalInt = (min: number) =>
  optionalString.pipe(z.coerce.number<string | undefined>().int().min(min).optional());
/** Points at which ANCHOR_FAULT kills the process, in the order a window passes them. */

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development").describe("Runtime mode."),
  PORT: port.default(3000).describe("HTTP port of the service."),
  HOST: z.string().default("127.0.0.1").describe("Interface the HTTP server binds to."),
  DATA_DIR: z.string().default("./data").describe("Where embedded database, chain state and keys live."),
  PUBLIC_BASE_URL: optionalString
    .pipe(z.url().optional())
    .describe("Base of GS1 Digital Link URIs printed in QR codes (default http://HOST:PORT)."),
  MONGODB_URI: optionalString.describe("MongoDB connection string; unset = embedded MongoDB-wire server."),
  RPC_URL: optionalString
    .pipe(z.url().optional())
    .describe("EVM JSON-RPC endpoint; unset = embedded anvil node."),
  CHAIN_PRIVATE_KEY: optionalString
    .pipe(hexKey.optional())
    .describe("Service signer (anchorer) key. With RPC_URL set, this or CHAIN_KEYSTORE_FILE is required."),
  CHAIN_KEYSTORE_FILE: optionalString.describe("Encrypted JSON keystore for the service signer."),
  CHAIN_KEYSTORE_PASSWORD: optionalString.describe("Password of CHAIN_KEYSTORE_FILE."),
  REGISTRY_ADMIN_KEY: optionalString
    .pipe(hexKey.optional())
    .describe(
      "Registry admin key, used only to register certifiers through the service. Leave unset in production: the admin is a cold key or multisig and the register endpoint answers with the transaction to send (docs/operations.md).",
    ),
  REGISTRY_ADDRESS: optionalString
    .pipe(address.optional())
    .describe("ProvenanceRegistry address. Required with RPC_URL; embedded mode deploys one."),
  ADMIN_API_KEY: optionalString.describe(
    "Bootstrap admin API key (default: generated, DATA_DIR/admin-api-key).",
  ),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("A console session unused for this long ends (the user logs in again)."),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(12)
    .describe("A console session ends this long after login, however active."),
  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe("Failed console logins per account within 15 minutes before further tries answer 429."),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .describe(
      "Failed console logins per client IP address within 15 minutes before further tries answer 429.",
    ),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info").describe("pino log level."),
  BODY_LIMIT: z.string().default("1mb").describe("Largest accepted JSON request body."),
  TRUST_PROXY: z
    .string()
    .trim()
    .default("loopback")
    .transform(parseTrustProxy)
    .describe(
      "Which proxies in front of the service are trusted to name the client address (X-Forwarded-For), for per-address rate limits and logs: express's `trust proxy` syntax: `loopback`, `false`, `true`, a hop count, or comma-separated addresses, subnets (10.0.0.0/8) and the names loopback, linklocal, uniquelocal. Set it to your load balancer's addresses.",
    ),
  RATE_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(1)
    .default(1200)
    .describe(
      "Requests per minute from one client address (all but /healthz); over it: 429 with Retry-After.",
    ),
  RATE_LIMIT_PER_KEY: z.coerce
    .number()
    .int()
    .min(1)
    .default(600)
    .describe("Requests per minute with one API key; over it: 429 with Retry-After."),
  RATE_LIMIT_AUTH_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe(
      "Failed authentications (401) from one client address per 15 minutes; past it the address gets 429 until the 15 minutes end.",
    ),
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(24)
    .describe("How long an Idempotency-Key and its stored response are kept, in hours."),
  EMBEDDED_DB_PORT: port.default(0).describe("Port of the embedded database (0 = a free port)."),
  EMBEDDED_CHAIN_PORT: port.default(0).describe("Port of the embedded anvil node (0 = a free port)."),
  CONSOLE_DIR: z
    .string()
    .default("console/dist")
    .describe(
      "The web console's build (vite), served under /console; `npm start` and `npm run build` write it.",
    ),
  DEMO_SEED: optionalString
    .pipe(z.enum(["true", "false"]).optional())
    .describe(
      "Seed the demo dataset (npm run demo) on first start with an empty database (default true only with the embedded database).",
    ),
  ANCHOR_WORKER: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true")
    .describe("Run the anchoring worker inside the service (a lease elects one per database)."),
  VERIFY_THREADS: optionalString
    .pipe(z.coerce.number<string | undefined>().int().min(0).max(16).optional())
    .describe(
      "Worker threads that answer GET /api/verify beside the event loop, each with its own database connection and caches; 0 = in the event loop (default: the machine's cores, at most 4).",
    ),
  ANCHOR_INTERVAL_MS: optionalInt(100).describe(
    "Anchoring window period in ms (default 30000; 2000 with the embedded chain).",
  ),
  ANCHOR_MAX_LEAVES: z.coerce
    .number()
    .int()
    .min(1)
    .max(200_000)
    .default(10_000)
    .describe("Events per window at most; a full window is anchored without waiting for the period."),
  ANCHOR_CONFIRMATIONS: optionalInt(1).describe(
    "Blocks on top of the anchoring block before a window counts as confirmed (default 3; 1 embedded).",
  ),
  ANCHOR_LEASE_MS: z.coerce
    .number()
    .int()
    .min(500)
    .default(15_000)
    .describe("Anchoring lease duration: a standby instance takes over this long after the holder dies."),
  ANCHOR_BACKOFF_MAX_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(60_000)
    .describe("Longest wait between retries while the chain or the database fails (exponential back-off)."),
  ANCHOR_STUCK_TX_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(180_000)
    .describe(
      "A pending anchoring transaction older than this is replaced with the same nonce and a higher fee.",
    ),
  ANCHOR_FEE_BUMP_PERCENT: z.coerce
    .number()
    .int()
    .min(10)
    .max(500)
    .default(25)
    .describe("Fee increase of a replacement transaction, in percent (nodes require at least 10)."),
  ANCHOR_MAX_FEE_GWEI: optionalString
    .pipe(z.coerce.number<string | undefined>().positive().optional())
    .describe("Cap on maxFeePerGas of anchoring transactions, in gwei (default: no cap)."),
  ANCHOR_LAG_DEGRADED_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(600)
    .describe(
      "/healthz reports degraded when the oldest unanchored event is older than this, or anchoring made no progress for this long while events wait (docs/operations.md).",
    ),
  LABELS_MAX_PER_REQUEST: z.coerce
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe("Most labels one label-sheet request prints (a larger count is answered 413)."),
  IMPORT_MAX_MB: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe("Largest import file (CSV or .xlsx), in MB (a larger upload is answered 413)."),
  IMPORT_MAX_ROWS: z.coerce
    .number()
    .int()
    .min(1)
    .default(100_000)
    .describe("Most data rows one import file may hold (more is answered 413: split the file)."),
  IMPORT_MAX_UNZIPPED_MB: z.coerce
    .number()
    .int()
    .min(1)
    .default(200)
    .describe(
      "Most an .xlsx workbook may hold once unzipped, in MB; checked from the zip's directory before parsing, and while inflating (zip bombs are answered 413).",
    ),
  CAPTURE_MAX_MB: z.coerce
    .number()
    .int()
    .min(1)
    .default(16)
    .describe("Largest EPCIS capture document, in MB (a larger one is answered 413)."),
  CAPTURE_MAX_EVENTS: z.coerce
    .number()
    .int()
    .min(1)
    .default(5_000)
    .describe("Most events one EPCIS capture document may carry (more is answered 413: split it)."),
  EARLIEST_RECORDED_TIME: z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time with offset" })
    .default("1970-01-01T00:00:00Z")
    .describe("Event and harvest times before this are refused (400) as implausible (decision 0020)."),
  EVENT_TIME_MAX_FUTURE_DAYS: z.coerce
    .number()
    .min(0)
    .default(3)
    .describe(
      "How far ahead of the server's clock an event time may be, in days (a device clock that runs fast, a time zone written wrongly); later is refused (400).",
    ),
  HARVEST_MAX_FUTURE_DAYS: z.coerce
    .number()
    .min(0)
    .default(1)
    .describe(
      "How far ahead of the server's clock a harvest date may be, in days (slack for time zones); later is refused (400).",
    ),
  EPCIS_SUBSCRIPTION_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    )
    .describe(
      "Hosts (`name` or `name:port`, comma-separated) EPCIS subscriptions may deliver to; empty = no webhook is accepted. Only http(s), no redirects (docs/epcis.md).",
    ),
  EPCIS_SUBSCRIPTION_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(1_000)
    .describe("How often EPCIS subscriptions look for new matching events (a stream's delivery latency)."),
  ANCHOR_FAULT: optionalString
    .pipe(z.enum(ANCHOR_FAULTS).optional())
    .describe("Test only: kill the process (SIGKILL) at this anchoring step. Refused in production."),
});

type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<
  RawConfig,
  | "PUBLIC_BASE_URL"
  | "DATA_DIR"
  | "ANCHOR_INTERVAL_MS"
  | "ANCHOR_CONFIRMATIONS"
  | "DEMO_SEED"
  | "VERIFY_THREADS"
> {
  DATA_DIR: string;
  PUBLIC_BASE_URL: string;
  ANCHOR_INTERVAL_MS: number;
  VERIFY_THREADS: number;
  ANCHOR_CONFIRMATIONS: number;
  /** Seed the demo dataset on a first start with an empty database (see server/modules/demo). */
  DEMO_SEED: boolean;
  /** True when neither MONGODB_URI nor RPC_URL is set: everything runs on this machine. */
  embedded: { db: boolean; chain: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join(".")}: ${issue.message} (${describeKey(issue.path)})`,
      ),
    );
  }
  const raw = parsed.data;
  const problems: string[] = [];
  if (raw.RPC_URL && !raw.REGISTRY_ADDRESS) problems.push("REGISTRY_ADDRESS is required when RPC_URL is set");
  if (raw.RPC_URL && !raw.CHAIN_PRIVATE_KEY && !raw.CHAIN_KEYSTORE_FILE) {
    problems.push("CHAIN_PRIVATE_KEY or CHAIN_KEYSTORE_FILE is required when RPC_URL is set");
  }
  if (raw.CHAIN_KEYSTORE_FILE && !raw.CHAIN_KEYSTORE_PASSWORD) {
    problems.push("CHAIN_KEYSTORE_PASSWORD is required with CHAIN_KEYSTORE_FILE");
  }
  if (raw.ANCHOR_FAULT && raw.NODE_ENV === "production") {
    problems.push("ANCHOR_FAULT is a test-only setting and is refused when NODE_ENV=production");
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicHost = raw.HOST === "0.0.0.0" ? "127.0.0.1" : raw.HOST;
  return {
    ...raw,
    DATA_DIR: path.resolve(raw.DATA_DIR),
    CONSOLE_DIR: path.resolve(raw.CONSOLE_DIR),
    PUBLIC_BASE_URL: (raw.PUBLIC_BASE_URL ?? `http://${publicHost}:${raw.PORT}`).replace(/\/+$/, ""),
    embedded: { db: !raw.MONGODB_URI, chain: !raw.RPC_URL },
    // An embedded anvil mines on demand: short windows, and one block is final.
    ANCHOR_INTERVAL_MS: raw.ANCHOR_INTERVAL_MS ?? (raw.RPC_URL ? 30_000 : 2_000),
    ANCHOR_CONFIRMATIONS: raw.ANCHOR_CONFIRMATIONS ?? (raw.RPC_URL ? 3 : 1),
    // A newcomer's embedded database starts with something to look at; a real one never does.
    DEMO_SEED: raw.DEMO_SEED === undefined ? !raw.MONGODB_URI : raw.DEMO_SEED === "true",
    // Decision 0045: on 2 cores two threads beat the loop alone by about a third (issue 15).
    VERIFY_THREADS: raw.VERIFY_THREADS ?? Math.min(4, os.availableParallelism()),
  };
}

function describeKey(issuePath: readonly PropertyKey[]): string {
  const key = issuePath[0];
  const shape = configSchema.shape as Record<string, z.ZodType>;
  return (typeof key === "string" && shape[key]?.description) || "see README configuration table";
}

/** Rows for the README configuration table: key, default, meaning. */
export function describeConfig(): { key: string; defaultValue: string; description: string }[] {
  return Object.entries(configSchema.shape).map(([key, schema]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    return {
      key,
      defaultValue: parsed.success && parsed.data !== undefined ? String(parsed.data) : "",
      description: (schema as z.ZodType).description ?? "",
    };
  });
}

/**
 * TRUST_PROXY in express's `trust proxy` syntax: booleans and hop counts as such, anything else a
 * list express compiles (proxy-addr), tried here so that a typo stops the start-up naming the key.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  if (/^\d+$/.test(value)) return Number(value);
  try {
    express().set("trust proxy", value);
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `is not express trust proxy syntax: ${(error as Error).message}`,
    });
    return z.NEVER;
  }
  return value;
}
