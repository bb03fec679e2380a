import mongoose, { type Connection } from "mongoose";

/** Opens a dedicated mongoose connection (not the global one, so tests can run several). */
export async function connectDatabase(uri: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5_000,
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
