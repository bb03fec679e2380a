import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { congodb } from "@push.rocks/smartmongo";
import { installIdLookup } from "./id-lookup";
import { JournaledStorage } from "./journaled-storage";
import { installRawReplies, rawFind } from "./raw-find";

/** What the engine thread is given; the service's thread supervises it (embedded-mongo.ts). */
export interface EngineThreadData {
  storageDir: string;
  port: number;
}

/** Messages between the service's thread and the engine thread. */
export type EngineThreadMessage =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "stop" }
  | { type: "stopped" }
  | { type: "compactionFailed"; message: string };

/**
 * The engine thread: runs the MongoDB-wire server (CongoDB) over the journaled store, so that its
 * query work, journal writes and snapshots never hold the service's event loop (decision 0027).
 * The service reaches it over TCP as before; only start and stop travel as messages.
 */
export function serveEmbeddedMongo(): void {
  if (isMainThread || !parentPort) throw new Error("serveEmbeddedMongo runs inside the engine thread only");
  const port = parentPort;
  const { storageDir, port: tcpPort } = (workerData as { data: EngineThreadData }).data;
  const send = (message: EngineThreadMessage) => port.postMessage(message);
  const server = new congodb.CongoServer({ port: tcpPort, host: "127.0.0.1", storage: "memory" });
  const onCompactionError = (error: Error) => send({ type: "compactionFailed", message: error.message });
  useStorage(server, new JournaledStorage(storageDir, { onCompactionError }));
  port.on("message", (message: EngineThreadMessage) => {
    if (message.type !== "stop") return;
    // stop() writes the snapshot that compacts the journal; then the thread may end.
    void server.stop().then(
      () => send({ type: "stopped" }),
      (error: unknown) => send({ type: "failed", message: (error as Error).message }),
    );
  });
  server.start().then(
    () => send({ type: "ready" }),
    (error: unknown) => send({ type: "failed", message: (error as Error).message }),
  );
}

/**
 * CongoServer builds its own adapter in the constructor and offers no option to pass one in; its
 * command router gets the lookup path by `_id` and declared index fields, the store's own
 * scan for the other filters (id-lookup.ts), and finds answered from the stored bytes (raw-find.ts).
 */
function useStorage(server: congodb.CongoServer, storage: JournaledStorage): void {
  const internals = server as unknown as { storage: unknown; commandRouter: congodb.CommandRouter };
  internals.storage = storage;
  internals.commandRouter = new congodb.CommandRouter(storage, server);
  installRawReplies();
  installIdLookup(
    internals.commandRouter,
    (db, coll, filter) => storage.candidates(db, coll, filter),
    (db, coll, filter, wanted) => storage.matching(db, coll, filter, wanted),
    (context) => rawFind(storage, context),
  );
}
