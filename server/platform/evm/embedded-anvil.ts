import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findFreePort } from "../net/free-port";

export const EMBEDDED_CHAIN_ID = 31337;

export interface EmbeddedAnvil {
  rpcUrl: string;
  pid: number;
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
 * Runs a local anvil node whose state lives in `dir`, so anchors survive restarts. State is
 * dumped every second (`--state-interval`) and on exit; if the service was killed with -9, the
 * orphaned node from that run is found through its pid file and stopped (which dumps its state)
 * before a new one loads the state.
 */
export async function startEmbeddedAnvil(options: { dir: string; port?: number }): Promise<EmbeddedAnvil> {
  fs.mkdirSync(options.dir, { recursive: true });
  const pidFile = path.join(options.dir, "anvil.pid");
  await stopOrphan(pidFile);

  const port = options.port || (await findFreePort());
  const child = spawn(
    anvilBinaryPath(),
    [
      ...["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(EMBEDDED_CHAIN_ID)],
      ...["--state", path.join(options.dir, "anvil-state.json"), "--state-interval", "1"],
      ...["--accounts", "0", "--silent"],
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const rpcUrl = `http://127.0.0.1:${port}`;
  await waitForRpc(rpcUrl, child, () => stderr);
  fs.writeFileSync(pidFile, String(child.pid));

  return {
    rpcUrl,
    pid: child.pid!,
    stop: async () => {
      await terminate(child);
      fs.rmSync(pidFile, { force: true });
    },
  };
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
