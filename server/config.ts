import path from "node:path";
import { z } from "zod";

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
  REGISTRY_ADDRESS: optionalString
    .pipe(address.optional())
    .describe("ProvenanceRegistry address. Required with RPC_URL; embedded mode deploys one."),
  ADMIN_API_KEY: optionalString.describe(
    "Bootstrap admin API key (default: generated, DATA_DIR/admin-api-key).",
  ),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info").describe("pino log level."),
  BODY_LIMIT: z.string().default("1mb").describe("Largest accepted JSON request body."),
  EMBEDDED_DB_PORT: port.default(0).describe("Port of the embedded database (0 = a free port)."),
  EMBEDDED_CHAIN_PORT: port.default(0).describe("Port of the embedded anvil node (0 = a free port)."),
});

type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<RawConfig, "PUBLIC_BASE_URL" | "DATA_DIR"> {
  DATA_DIR: string;
  PUBLIC_BASE_URL: string;
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
  if (problems.length > 0) throw new ConfigError(problems);

  const publicHost = raw.HOST === "0.0.0.0" ? "127.0.0.1" : raw.HOST;
  return {
    ...raw,
    DATA_DIR: path.resolve(raw.DATA_DIR),
    PUBLIC_BASE_URL: (raw.PUBLIC_BASE_URL ?? `http://${publicHost}:${raw.PORT}`).replace(/\/+$/, ""),
    embedded: { db: !raw.MONGODB_URI, chain: !raw.RPC_URL },
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
