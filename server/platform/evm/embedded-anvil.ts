import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../logger";
import { findFreePort } from "../net/free-port";
import { RestartBackoff } from "../restart-backoff";
import { AnvilStateFile } from "./anvil-state-file";

export const EMBEDDED_CHAIN_ID = 31337;

/** How often the state dump is copied to the last good snapshot. */
const SNAPSHOT_INTERVAL_MS = 2_000;

export interface EmbeddedAnvil {
  rpcUrl: string;
  /** The pid of the node running now (a restart changes it). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** The anvil binary from the platform package that `@foundry-rs/anvil` installs. */
export function anvilBinaryPath(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const packageJson = require.resolve(`${platformPackage}/package.json`);
  return path.join(path.dirname(packageJson), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

/**
 * Runs a local anvil node whose state lives in `dir`, so anchors survive restarts, and keeps it
 * running. State is dumped every second (`--state-interval`) and on exit, and the last dump that
 * parses is kept as a good snapshot (anvil-state-file.ts) that replaces a corrupt dump on start.
 * If the service was killed with -9, the orphaned node from that run is found through its pid
 * file and stopped (which dumps its state) before a new one loads the state. A node that dies is
 * started again on the same port with exponential back-off, then `onRestarted` runs (fund the
 * accounts, redeploy what a fresh chain lacks); meanwhile RPC calls fail and callers back off.
 */
export async function startEmbeddedAnvil(options: {
  dir: string;
  port?: number;
  logger?: Logger;
  onRestarted?: () => Promise<void>;
}): Promise<EmbeddedAnvil> {
  fs.mkdirSync(options.dir, { recursive: true });
  const port = options.port || (await findFreePort());
  const supervisor = new AnvilSupervisor(options.dir, port, options.logger, options.onRestarted);
  await supervisor.start();
  return supervisor;
}

class AnvilSupervisor implements EmbeddedAnvil {
  readonly rpcUrl: string;
  private readonly state: AnvilStateFile;
  private readonly pidFile: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly restarts = new RestartBackoff(() => this.restart());
  private snapshotTimer: NodeJS.Timeout | undefined;
  private snapshotting: Promise<void> | undefined;

  constructor(
    dir: string,
    private readonly port: number,
    private readonly logger: Logger | undefined,
    private readonly onRestarted: (() => Promise<void>) | undefined,
  ) {
    this.rpcUrl = `http://127.0.0.1:${port}`;
    this.state = new AnvilStateFile(dir, logger);
    this.pidFile = path.join(dir, "anvil.pid");
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** The first start: a node orphaned by a killed service is stopped first (it holds the state file). */
  async start(): Promise<void> {
    await stopOrphan(this.pidFile);
    await this.launch();
  }

  private async launch(): Promise<void> {
    this.state.prepare();
    const child = spawn(
      anvilBinaryPath(),
      [
        ...["--host", "127.0.0.1", "--port", String(this.port), "--chain-id", String(EMBEDDED_CHAIN_ID)],
        ...["--state", this.state.file, "--state-interval", "1"],
        ...["--accounts", "0", "--silent"],
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    await waitForRpc(this.rpcUrl, child, () => stderr);
    fs.writeFileSync(this.pidFile, String(child.pid));
    this.child = child;
    this.restarts.started();
    child.once("exit", (code, signal) => this.onExit(child, code, signal, stderr));
    this.snapshotTimer ??= setInterval(() => void this.snapshot(), SNAPSHOT_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.restarts.cancel();
    clearInterval(this.snapshotTimer);
    if (this.child) await terminate(this.child);
    await this.snapshotting; // begun before the node's last dump: check that one too
    await this.snapshot();
    fs.rmSync(this.pidFile, { force: true });
  }

  private async snapshot(): Promise<void> {
    // One at a time: a large dump can take longer than the interval to check and copy.
    if (this.snapshotting) return this.snapshotting;
    this.snapshotting = this.state.snapshot().then(
      () => undefined,
      (error: unknown) => {
        this.logger?.warn({ err: (error as Error).message }, "could not keep a snapshot of the chain state");
      },
    );
    try {
      await this.snapshotting;
    } finally {
      this.snapshotting = undefined;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null, stderr: string): void {
    if (this.stopping || child !== this.child) return;
    this.logger?.error(
      { code, signal, stderr: stderr.trim().slice(-500) || undefined },
      "embedded anvil node died; restarting it",
    );
    this.restarts.died();
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.launch();
    } catch (error) {
      this.logger?.error({ err: (error as Error).message }, "embedded anvil node did not start; retrying");
      if (!this.stopping) this.restarts.retry();
      return;
    }
    if (this.stopping) return;
    this.logger?.warn({ pid: this.pid, rpcUrl: this.rpcUrl }, "embedded anvil node restarted");
    await this.onRestarted?.().catch((error: unknown) => {
      this.logger?.error({ err: (error as Error).message }, "could not prepare the restarted chain");
    });
  }
}

async function waitForRpc(rpcUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`anvil exited with code ${child.exitCode} before serving RPC: ${stderr().trim()}`);
    }
    try {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`anvil did not answer on ${rpcUrl} within 30 s: ${stderr().trim()}`);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM"); // anvil dumps its state on SIGTERM
  });
}

async function stopOrphan(pidFile: string): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8"));
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isAnvil(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}

function isAnvil(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("anvil");
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return isAnvil(pid);
  } catch {
    return false;
  }
}
