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
