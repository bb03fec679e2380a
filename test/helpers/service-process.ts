import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { entryPointArgs } from "./entry-point";

const ROOT = path.resolve(__dirname, "../..");

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs `server/main/start.ts` as its own process (compiled, as `npm run start:prod` does, when dist/
 * is current; see entryPointArgs) with the given environment.
 * The first-start demo seed is off unless a test asks for it: tests expect an empty database.
 */
export function spawnService(env: Record<string, string>): ServiceProcess {
  return spawnServiceFrom(ROOT, entryPointArgs("server/main/start.ts"), env);
}

/** Runs the service entry point `args` (node arguments) in `cwd`, collecting its output. */
export function spawnServiceFrom(cwd: string, args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, LOG_LEVEL: "warn", DEMO_SEED: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves once the service prints that it is serving; rejects if it exits first. */
export async function waitUntilServing(service: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!service.output().includes("EcoTrace is serving")) {
    if (service.child.exitCode !== null) throw new Error(`service exited early:\n${service.output()}`);
    if (Date.now() > deadline)
      throw new Error(`service did not start within ${timeoutMs} ms:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
