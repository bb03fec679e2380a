import type { Connection, Model, Schema } from "mongoose";

/** The connection's model `name`, compiled on first use (each connection has its own models). */
export function modelFor<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}
