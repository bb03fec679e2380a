import mongoose, { type Connection } from "mongoose";

/** Opens a dedicated mongoose connection (not the global one, so tests can run several). */
export async function connectDatabase(
  uri: string,
  options: { embedded?: boolean } = {},
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
    // The embedded engine answers the streaming heartbeat (`moreToCome`) wrongly, which makes the
    // driver drop its whole pool under load ("Server ended moreToCome unexpectedly"); poll instead.
    ...(options.embedded ? { serverMonitoringMode: "poll" as const } : {}),
    // Embedded and single-node servers accept majority writes; replica sets make them durable.
    writeConcern: { w: "majority" },
  });
  await connection.asPromise();
  return connection;
}

export async function pingDatabase(connection: Connection): Promise<void> {
  if (!connection.db) throw new Error("database connection is not open");
  await connection.db.admin().ping();
}
