import { congodb } from "@push.rocks/smartmongo";

type Document = congodb.plugins.bson.Document;
type ObjectId = congodb.plugins.bson.ObjectId;
type Storage = congodb.IStorageAdapter;

/**
 * A lookup path for CongoDB, which answers every find, update, delete and aggregate by reading the
 * whole collection (`storage.findAll`) and filtering it with the query.
 *
 * The handlers of these commands take their candidate documents from one `findAll` call per
 * statement and then apply the full filter to them, so handing them a storage whose `findAll`
 * returns only documents that may match gives the same answer: every document that matches is among
 * the candidates, and the filter still decides. Candidates come from the store's `_id` map (every
 * stored `_id` is an ObjectId: the store converts on insert) or, when the filter pins a field some
 * declared index starts with, from the store's field indexes (field-index.ts). A filter that pins
 * neither is handed to the store's scan when there is one (its matches only), else takes the
 * normal path. Commands stay atomic: the view only reads memory, so no other
 * command can run in between.
 */

/** Where each narrowable command keeps its collection and its filters (one per statement, in order). */
const TARGETS: Record<
  string,
  (command: Document, sequences?: Map<string, Document[]>) => Target | undefined
> = {
  find: (command) => ({ collection: command.find, filters: [command.filter] }),
  count: (command) => ({ collection: command.count, filters: [command.query] }),
  distinct: (command) => ({ collection: command.distinct, filters: [command.query] }),
  findAndModify: (command) => ({ collection: command.findAndModify, filters: [command.query] }),
  aggregate: (command) => ({ collection: command.aggregate, filters: [leadingMatch(command.pipeline)] }),
  update: (command, sequences) => statements(command.update, sequences?.get("updates") ?? command.updates),
  delete: (command, sequences) => statements(command.delete, sequences?.get("deletes") ?? command.deletes),
};

interface Target {
  collection: unknown;
  filters: unknown[];
}

/** Candidate documents for a filter, from an index, or undefined when no index bounds it. */
export type FieldLookup = (db: string, coll: string, filter: unknown) => Iterable<Document> | undefined;

/**
 * The documents of a collection that match a filter (the first `wanted` of them when given), read
 * by the store itself: one that keeps documents encoded decodes them one at a time and keeps only
 * the matches, instead of handing the handler the whole collection decoded at once (decision 0039).
 */
export type Scan = (db: string, coll: string, filter: Document, wanted?: number) => Document[];

/**
 * A whole answer to a command from the store itself (raw-find.ts), or undefined for the handler's.
 * Returned as the reply; the wire layer must know how to send it.
 */
export type DirectAnswer = (context: congodb.IHandlerContext) => object | undefined;

/** Wraps the handlers of the narrowable commands in a CongoDB command router. */
export function installIdLookup(
  router: congodb.CommandRouter,
  fieldLookup?: FieldLookup,
  scan?: Scan,
  directFind?: DirectAnswer,
): void {
  const { handlers } = router as unknown as { handlers: Map<string, congodb.ICommandHandler> };
  for (const name of Object.keys(TARGETS)) {
    const inner = handlers.get(name);
    if (!inner) throw new Error(`the embedded engine has no ${name} handler to extend`);
    const direct = name === "find" ? directFind : undefined;
    handlers.set(name, {
      handle: async (context) =>
        (direct?.(context) as congodb.plugins.bson.Document | undefined) ??
        countOfWhole(context) ??
        inner.handle(narrowed(TARGETS[name], context, fieldLookup, scan)),
    });
  }
}

/**
 * A `count` without a query (the driver's estimatedDocumentCount: /healthz's backlog, issue 15)
 * answered from the collection's size. CongoDB counts by reading every document, and since the
 * store keeps documents as BSON bytes (decision 0039) that decodes each of them: at 100,000 events
 * every /healthz probe cost the database thread ~0.3 s.
 */
function countOfWhole(context: congodb.IHandlerContext): Promise<Document> | undefined {
  const { command, storage, database } = context;
  const collection: unknown = command.count;
  if (typeof collection !== "string") return undefined;
  if (
    command.query !== undefined &&
    !(isPlainObject(command.query) && Object.keys(command.query).length === 0)
  )
    return undefined;
  return (async () => {
    if (!(await storage.collectionExists(database, collection))) return { ok: 1, n: 0 };
    const afterSkip = Math.max(0, (await storage.count(database, collection)) - Number(command.skip ?? 0));
    const limit = Number(command.limit ?? 0);
    return { ok: 1, n: limit > 0 ? Math.min(limit, afterSkip) : afterSkip };
  })();
}

function narrowed(
  targetOf: (typeof TARGETS)[string],
  context: congodb.IHandlerContext,
  fieldLookup: FieldLookup | undefined,
  scan: Scan | undefined,
): congodb.IHandlerContext {
  const target = targetOf(context.command, context.documentSequences);
  if (!target || typeof target.collection !== "string") return context;
  const { storage, database } = context;
  const collection = target.collection;
  const wanted = firstMatchesWanted(context.command);
  const lookups = target.filters.map((filter) => async (): Promise<Document[] | undefined> => {
    const ids = idCandidates(filter);
    if (ids) return byIds(storage, database, collection, ids);
    const candidates = fieldLookup?.(database, collection, filter);
    if (!candidates) {
      const pinsSomething = isPlainObject(filter) && Object.keys(filter).length > 0;
      return pinsSomething ? scan?.(database, collection, filter, wanted) : undefined;
    }
    return wanted ? firstMatches(candidates, filter, wanted) : Array.from(candidates);
  });
  return { ...context, storage: storageView(storage, database, collection, lookups) };
}

function statements(collection: unknown, list: unknown): Target | undefined {
  if (!Array.isArray(list)) return undefined;
  return { collection, filters: (list as Document[]).map((statement) => statement.q ?? statement.filter) };
}

/**
 * How many documents an unsorted `find` (no skip) asks for, or undefined when it needs every match.
 * Any `limit` matches are a right answer to it (MongoDB returns them in index order): for those the
 * candidates stop at the `limit`-th match instead of being filtered whole (issue 15: the oldest
 * unclaimed event and the worker's claim read 10,000 of 100,000 pending events, or one).
 */
function firstMatchesWanted(command: Document): number | undefined {
  if (command.find === undefined || command.sort || command.skip) return undefined;
  const limit = Math.abs(Number(command.limit ?? 0));
  return limit > 0 ? limit : undefined;
}

/**
 * The first `wanted` candidates that match `filter`, in candidate order, taking candidates from
 * the iterator `wanted` at a time (a key with 100,000 documents costs what the answer costs).
 */
function firstMatches(candidates: Iterable<Document>, filter: unknown, wanted: number): Document[] {
  const matches: Document[] = [];
  const query = (filter ?? {}) as Document;
  const iterator = candidates[Symbol.iterator]();
  for (let done = false; !done && matches.length < wanted;) {
    const slice: Document[] = [];
    while (slice.length < wanted) {
      const next = iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      slice.push(next.value);
    }
    const matching = congodb.QueryEngine.filter(slice as congodb.IStoredDocument[], query);
    matches.push(...matching.slice(0, wanted - matches.length));
  }
  return matches;
}

/** The filter of an aggregation's first stage when it is a `$match` (countDocuments sends one). */
function leadingMatch(pipeline: unknown): unknown {
  return Array.isArray(pipeline) && isPlainObject(pipeline[0]) ? pipeline[0].$match : undefined;
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

/** The stored documents with these ids, in `_id` order (the order of MongoDB's `_id` index). */
async function byIds(storage: Storage, db: string, coll: string, ids: ObjectId[]): Promise<Document[]> {
  const found = await Promise.all(inIdOrder(ids).map((id) => storage.findById(db, coll, id)));
  return found.filter((doc) => doc !== null);
}

/** These ids once each, in `_id` order (the order of MongoDB's `_id` index). */
export function inIdOrder(ids: ObjectId[]): ObjectId[] {
  return [...new Map(ids.map((id) => [id.toHexString(), id])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, id]) => id);
}

/**
 * The storage as the handler sees it: the n-th `findAll` of the target collection (the n-th
 * statement's read) returns the n-th lookup's candidates when it has some; everything else is
 * the store.
 */
function storageView(
  storage: Storage,
  database: string,
  collection: string,
  lookups: Array<() => Promise<Document[] | undefined>>,
): Storage {
  let calls = 0;
  const findAll = async (db: string, coll: string) => {
    if (db !== database || coll !== collection) return storage.findAll(db, coll);
    const lookup = lookups[calls++];
    return (await lookup?.()) ?? storage.findAll(db, coll);
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !("_bsontype" in value);
}
