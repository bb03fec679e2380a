import { Command } from "commander";

/** What the offline verifiers (verify-bundle, verify-credential) are asked on their command line. */
export interface OfflineCheckArgs {
  file: string;
  rpc: string;
  json: boolean;
  /** When to judge validity, in seconds since the epoch (`--now`, default now). */
  nowSec: number;
}

/**
 * Parses `<file> --rpc <url> [--json] [--now <iso>]`, the command line both offline verifiers
 * share; a usage error exits with 64 (EX_USAGE), `--help` with 0.
 */
export function offlineCheckArgs(spec: {
  name: string;
  description: string;
  file: string;
}): OfflineCheckArgs {
  const program = new Command()
    .name(spec.name)
    .description(spec.description)
    .argument("<file>", spec.file)
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain the file names")
    .option("--json", "print the result as JSON")
    .option("--now <iso>", "judge validity at this time instead of now")
    .exitOverride();
  try {
    program.parse(process.argv);
  } catch (error) {
    process.exit((error as { exitCode?: number }).exitCode === 0 ? 0 : 64);
  }
  const options = program.opts<{ rpc: string; json?: boolean; now?: string }>();
  const now = options.now ? Date.parse(options.now) : Date.now();
  if (Number.isNaN(now)) {
    console.error(`--now ${options.now} is not a date`);
    process.exit(64);
  }
  return {
    file: program.args[0],
    rpc: options.rpc,
    json: Boolean(options.json),
    nowSec: Math.floor(now / 1000),
  };
}
