import { congodb } from "@push.rocks/smartmongo";

type Document = congodb.plugins.bson.Document;
type ObjectId = congodb.plugins.bson.ObjectId;
type Storage = congodb.IStorageAdapter;

/**
 * An `_id` lookup path for CongoDB, which answers every find, update and delete by reading the
 * whole collection (`storage.findAll`) and filtering it with the query.
 *
 * The handlers of these commands take their candidate documents from one `findAll` call and then
 * apply the full filter to them, so handing them a storage whose `findAll` returns only the
 * documents with the `_id`s the filter requires gives the same answer: every document that matches
 * is among the candidates, and the filter still decides. The candidates come straight from the
 * store's `_id` map (every stored `_id` is an ObjectId: the store converts on insert). A filter
 * that does not pin `_id` to ObjectIds, or a command with several statements, takes the normal
 * path. Commands stay atomic: the view only reads memory, so no other command can run in between.
 */

/** Where each narrowable command keeps its collection and its filter. */
const TARGETS: Record<
  string,
  (command: Document, sequences?: Map<string, Document[]>) => Target | undefined
> = {
  find: (command) => ({ collection: command.find, filter: command.filter }),
  count: (command) => ({ collection: command.count, filter: command.query }),
  distinct: (command) => ({ collection: command.distinct, filter: command.query }),
  findAndModify: (command) => ({ collection: command.findAndModify, filter: command.query }),
  update: (command, sequences) =>
    singleStatement(command.update, sequences?.get("updates") ?? command.updates),
  delete: (command, sequences) =>
    singleStatement(command.delete, sequences?.get("deletes") ?? command.deletes),
};

interface Target {
  collection: unknown;
  filter: unknown;
}

/** Wraps the handlers of the narrowable commands in a CongoDB command router. */
export function installIdLookup(router: congodb.CommandRouter): void {
  const { handlers } = router as unknown as { handlers: Map<string, congodb.ICommandHandler> };
  for (const name of Object.keys(TARGETS)) {
    const inner = handlers.get(name);
    if (!inner) throw new Error(`the embedded engine has no ${name} handler to extend`);
    handlers.set(name, { handle: (context) => inner.handle(narrowed(TARGETS[name], context)) });
  }
}

function narrowed(
  targetOf: (typeof TARGETS)[string],
  context: congodb.IHandlerContext,
): congodb.IHandlerContext {
  const target = targetOf(context.command, context.documentSequences);
  if (!target || typeof target.collection !== "string") return context;
  const ids = idCandidates(target.filter);
  if (!ids) return context;
  return { ...context, storage: storageView(context.storage, context.database, target.collection, ids) };
}

function singleStatement(collection: unknown, statements: unknown): Target | undefined {
  if (!Array.isArray(statements) || statements.length !== 1) return undefined;
  const [statement] = statements as Document[];
  return { collection, filter: statement.q ?? statement.filter };
}

/**
 * The ObjectIds a document must have one of to match `filter`, or undefined when the filter
 * does not say (no `_id` condition, or one that is not an ObjectId equality or `$in`).
 */
export function idCandidates(filter: unknown): ObjectId[] | undefined {
  if (!isPlainObject(filter) || !Object.hasOwn(filter, "_id")) return undefined;
  const condition = filter._id;
  if (isObjectId(condition)) return [condition];
  if (!isPlainObject(condition)) return undefined;
  // Conditions on one field are a conjunction: $eq or $in alone bounds the candidates.
  if (Object.hasOwn(condition, "$eq")) return isObjectId(condition.$eq) ? [condition.$eq] : undefined;
  const list = condition.$in;
  if (Array.isArray(list) && list.every(isObjectId)) return list;
  return undefined;
}

/**
 * The storage as the handler sees it: the first `findAll` of the target collection returns the
 * candidates, in `_id` order (the order of MongoDB's `_id` index); everything else is the store.
 */
function storageView(storage: Storage, database: string, collection: string, ids: ObjectId[]): Storage {
  let narrowedOnce = false;
  const findAll = async (db: string, coll: string) => {
    if (narrowedOnce || db !== database || coll !== collection) return storage.findAll(db, coll);
    narrowedOnce = true;
    const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).entries()].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const found = await Promise.all(unique.map(([, id]) => storage.findById(db, coll, id)));
    return found.filter((doc) => doc !== null);
  };
  return new Proxy(storage, {
    get(target, property) {
      if (property === "findAll") return findAll;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function isObjectId(value: unknown): value is ObjectId {
  return value instanceof congodb.plugins.bson.ObjectId;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !("_bsontype" in value);
}
