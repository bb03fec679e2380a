import path from "node:path";
import { congodb } from "@push.rocks/smartmongo";
import { findFreePort } from "../../net/free-port";
import { JournaledStorage } from "./journaled-storage";

/** What the embedded engine does not guarantee; logged at start-up and stated in the README. */
export const EMBEDDED_DB_LIMITS = [
  "unique indexes are not enforced (EcoTrace guards uniqueness with atomic conditional updates)",
  "multi-document transactions neither isolate nor roll back",
  "no $text search, no change streams, lookups scan whole collections",
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
  const port = options.port || (await findFreePort());
  const server = new congodb.CongoServer({ port, host: "127.0.0.1", storage: "memory" });
  useStorage(server, new JournaledStorage(path.join(options.dir, "mongo")));
  await server.start();
  return {
    uri: `mongodb://127.0.0.1:${port}/ecotrace`,
    engine: "CongoDB (@push.rocks/smartmongo 2.2.0, pure JavaScript) with an EJSON write-ahead journal",
    stop: () => server.stop(),
  };
}

/** CongoServer builds its own adapter in the constructor and offers no option to pass one in. */
function useStorage(server: congodb.CongoServer, storage: JournaledStorage): void {
  const internals = server as unknown as { storage: unknown; commandRouter: unknown };
  internals.storage = storage;
  internals.commandRouter = new congodb.CommandRouter(storage, server);
}
