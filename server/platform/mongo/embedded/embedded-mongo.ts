import fs from "node:fs";
import path from "node:path";
import { congodb } from "@push.rocks/smartmongo";
import { findFreePort } from "../../net/free-port";
import { installIdLookup } from "./id-lookup";
import { JournaledStorage } from "./journaled-storage";

/** What the embedded engine does not guarantee; logged at start-up and stated in the README. */
export const EMBEDDED_DB_LIMITS = [
  "unique indexes are not enforced (EcoTrace guards uniqueness with atomic conditional updates)",
  "multi-document transactions neither isolate nor roll back",
  "no $text search, no change streams, lookups scan whole collections unless the filter pins _id",
  "durability: every write is journaled before it is acknowledged, but not fsynced (survives kill -9, not power loss)",
];

export interface EmbeddedMongo {
  uri: string;
  engine: string;
  stop(): Promise<void>;
}

/**
 * Starts the pure-JavaScript MongoDB-wire server (CongoDB) with a journaled store in `dir`.
 * No real `mongod` can be obtained on machines without internet (docs/decisions/0002).
 */
export async function startEmbeddedMongo(options: { dir: string; port?: number }): Promise<EmbeddedMongo> {
  const storageDir = path.join(options.dir, "mongo");
  const lock = acquireLock(storageDir);
  const port = options.port || (await findFreePort());
  const server = new congodb.CongoServer({ port, host: "127.0.0.1", storage: "memory" });
  useStorage(server, new JournaledStorage(storageDir));
  try {
    await server.start();
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    // The engine answers the streaming heartbeat (`moreToCome`) wrongly; every client must poll
    // (database.ts does in-process). In the URI, so that other processes given it (instances and
    // workers sharing this engine, via db.json) poll too: streaming cleared their connection
    // pools mid-request, and appends answered 500 (test/e2e/several-instances.test.ts).
    uri: `mongodb://127.0.0.1:${port}/ecotrace?serverMonitoringMode=poll`,
    engine: "CongoDB (@push.rocks/smartmongo 2.2.0, pure JavaScript) with an EJSON write-ahead journal",
    stop: async () => {
      await server.stop();
      lock.release();
    },
  };
}

/** Which live process, if any, holds the embedded database in `dir`. */
export function embeddedMongoOwner(dir: string): number | undefined {
  const lockFile = path.join(dir, "mongo", "LOCK");
  if (!fs.existsSync(lockFile)) return undefined;
  const pid = Number(fs.readFileSync(lockFile, "utf8"));
  return isProcessAlive(pid) ? pid : undefined;
}

/**
 * Two processes journaling into one directory would corrupt it: the first holds a pid lock and a
 * second one fails with a clear message. A lock left by a killed process is taken over.
 */
function acquireLock(storageDir: string): { release(): void } {
  fs.mkdirSync(storageDir, { recursive: true });
  const owner = embeddedMongoOwner(path.dirname(storageDir));
  if (owner !== undefined && owner !== process.pid) {
    throw new Error(`the embedded database in ${storageDir} is in use by process ${owner}`);
  }
  const lockFile = path.join(storageDir, "LOCK");
  fs.writeFileSync(lockFile, String(process.pid));
  return { release: () => fs.rmSync(lockFile, { force: true }) };
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * CongoServer builds its own adapter in the constructor and offers no option to pass one in; its
 * command router gets the lookup path by `_id` and declared index fields (id-lookup.ts).
 */
function useStorage(server: congodb.CongoServer, storage: JournaledStorage): void {
  const internals = server as unknown as { storage: unknown; commandRouter: congodb.CommandRouter };
  internals.storage = storage;
  internals.commandRouter = new congodb.CommandRouter(storage, server);
  installIdLookup(internals.commandRouter, (db, coll, filter) =>
    storage.fieldIndexes.candidates(db, coll, filter),
  );
}
