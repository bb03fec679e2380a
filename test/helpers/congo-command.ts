import type { congodb } from "@push.rocks/smartmongo";

/** Runs one command (its first key names it) on a CongoDB command router, as the wire server would on database "db". */
export function routeCommand(
  router: congodb.CommandRouter,
  command: Record<string, unknown>,
): Promise<congodb.plugins.bson.Document> {
  return router.route({
    commandName: Object.keys(command)[0],
    command,
    database: "db",
    opCode: 2013,
    requestID: 1,
  } as unknown as Parameters<congodb.CommandRouter["route"]>[0]);
}

/**
 * Declares indexes on `storage` itself, as `createIndexes` would on a fresh process. CongoDB's
 * index handler keeps one index engine per database and collection for the whole process, bound to
 * the first store it was used with, so a later test's store of the same collection would never be
 * told of the index (its finds then quietly scan instead of using the field index under test).
 */
export async function declareIndexes(
  storage: congodb.MemoryStorageAdapter,
  coll: string,
  indexes: Array<{ key: Record<string, 1>; name: string }>,
): Promise<void> {
  for (const { key, name } of indexes) await storage.saveIndex("db", coll, name, { key });
}
