import { congodb } from "@push.rocks/smartmongo";
import { fieldNames } from "./bson-fields";

type Document = congodb.plugins.bson.Document;
type Indexes = Array<{ key: Record<string, unknown> }>;

/**
 * The `_id` hex of the documents of one key, in the order they took that key: a key most
 * documents have alone (a hash) keeps one string instead of a set (decision 0039).
 */
type Postings = string | Set<string>;

/** Where a document goes when its value cannot be keyed (a Long, a Binary, an array on the path…). */
const ANY = "*";

/** Keys only an equal value has: a string's, an ObjectId's (`valueKey`). */
const EXACT_KEY = /^[so]/;

/**
 * Equality indexes for the embedded engine, on the first field of every index a collection
 * declares (mongoose's `schema.index(...)`, i.e. what MongoDB would use for the same query).
 *
 * The invariant: for an equality (`{ f: v }`, `{ f: { $eq: v } }`, `{ f: { $in: [...] } }`), every
 * stored document that matches is among `candidates()`. Candidates may include documents that do
 * not match (a sub-document is keyed by its first field only; unkeyable values are always
 * candidates), which is harmless because CongoDB's handlers still apply the whole filter to them.
 * Keys follow MongoDB's equality: `null` matches null and missing fields, an array field matches
 * each of its elements, numbers compare by value.
 */
export class FieldIndexes {
  /** db → collection → field → key → documents. */
  private readonly indexes = new Map<string, Map<string, Map<string, Map<string, Postings>>>>();
  /** A collection's fields → the top-level names its keys are read from, as UTF-8 (per update: kept). */
  private readonly keyNames = new WeakMap<Map<string, Map<string, Postings>>, Uint8Array[]>();

  /**
   * (Re)builds the indexes of one collection from its declared index list and its documents by
   * `_id` hex (not read at all when no declared index has a field to key).
   */
  rebuild(db: string, coll: string, declared: Indexes, documents: Iterable<[string, Document]>): void {
    const fields = new Map<string, Map<string, Postings>>();
    for (const { key } of declared) {
      const [first] = Object.keys(key);
      if (first !== undefined && first !== "_id") fields.set(first, new Map());
    }
    this.collections(db).set(coll, fields);
    this.keyNames.set(fields, fieldNames(new Set([...fields.keys()].map((field) => field.split(".")[0]))));
    if (fields.size === 0) return;
    for (const [id, doc] of documents) this.add(db, coll, id, doc);
  }

  drop(db: string, coll?: string): void {
    if (coll === undefined) this.indexes.delete(db);
    else this.indexes.get(db)?.delete(coll);
  }

  /** Files document `id` under its keys (`id`: its `_id` hex, the same string the store keys it by). */
  add(db: string, coll: string, id: string, doc: Document): void {
    for (const [field, postings] of this.fieldsOf(db, coll)) {
      for (const key of documentKeys(doc, field)) {
        const entries = postings.get(key);
        if (entries === undefined) postings.set(key, id);
        else if (typeof entries !== "string")
          entries.add(id); // an existing entry keeps its place
        else if (entries !== id) postings.set(key, new Set([entries, id]));
      }
    }
  }

  /** The top-level fields the collection's keys are read from (a document decoded for `replace` needs only these). */
  keyFieldNames(db: string, coll: string): Uint8Array[] {
    return this.keyNames.get(this.fieldsOf(db, coll)) ?? [];
  }

  /** Whether the collection has a field to key (else a write need not tell it anything). */
  covers(db: string, coll: string): boolean {
    return this.fieldsOf(db, coll).size > 0;
  }

  /** Moves document `id` from its old keys to its new ones (`after` undefined: deleted). */
  replace(db: string, coll: string, id: string, before: Document, after?: Document): void {
    for (const [field, postings] of this.fieldsOf(db, coll)) {
      const kept = after ? new Set(documentKeys(after, field)) : new Set<string>();
      for (const key of documentKeys(before, field)) {
        if (kept.has(key)) continue;
        const entries = postings.get(key);
        if (entries === id) postings.delete(key);
        else if (typeof entries !== "string" && entries?.delete(id) && entries.size === 0)
          postings.delete(key);
      }
    }
    if (after) this.add(db, coll, id, after);
  }

  /**
   * The `_id` hex of the documents that may match `filter`, or undefined when no indexed field is
   * pinned by an equality (the caller then reads the whole collection). The most selective field
   * is used. One key's ids come as a live iterator over its postings (read it before the next
   * write), so a caller that needs only the first few does not copy all of them.
   */
  candidates(db: string, coll: string, filter: unknown): Iterable<string> | undefined {
    if (!isPlainObject(filter)) return undefined;
    let best: Postings[] | undefined;
    let bestSize = Infinity;
    for (const [field, postings] of this.fieldsOf(db, coll)) {
      if (!Object.hasOwn(filter, field)) continue;
      const keys = conditionKeys(filter[field]);
      if (!keys) continue;
      const lists = [...new Set([...keys, ANY])].flatMap((key) => postings.get(key) ?? []);
      const size = lists.reduce((sum, list) => sum + sizeOf(list), 0);
      if (size < bestSize) [best, bestSize] = [lists, size];
    }
    if (!best) return undefined;
    if (best.length === 1) return idsOf(best[0]);
    // Several keys: MongoDB's index would give them in key order; `_id` order is as good a promise.
    const ids = new Set(best.flatMap((list) => (typeof list === "string" ? [list] : [...list])));
    return [...ids].sort();
  }

  /**
   * The `_id` hex of exactly the documents that match `filter`, when the filter is one equality
   * on an indexed field with a string or ObjectId value and no document of the field is unkeyable:
   * such a key is filed only under equal values (or arrays holding one), which is MongoDB's
   * equality, so the caller need not test each candidate (issue 15: a verification's event read
   * built a query and decoded and tested 50 documents it knew would match). Undefined otherwise;
   * the order is `candidates()`'s.
   */
  exactMatches(db: string, coll: string, filter: unknown): Iterable<string> | undefined {
    if (!isPlainObject(filter)) return undefined;
    const fields = Object.keys(filter);
    if (fields.length !== 1) return undefined;
    const postings = this.fieldsOf(db, coll).get(fields[0]);
    const keys = postings && conditionKeys(filter[fields[0]]);
    if (!keys || keys.length !== 1 || !EXACT_KEY.test(keys[0]) || postings.has(ANY)) return undefined;
    const list = postings.get(keys[0]);
    return list === undefined ? [] : idsOf(list);
  }

  private collections(db: string) {
    let collections = this.indexes.get(db);
    if (!collections) this.indexes.set(db, (collections = new Map()));
    return collections;
  }

  private fieldsOf(db: string, coll: string): Map<string, Map<string, Postings>> {
    return this.indexes.get(db)?.get(coll) ?? new Map();
  }
}

/** The keys an equality condition on a field can match, or undefined if it is not one. */
function conditionKeys(condition: unknown): string[] | undefined {
  if (isPlainObject(condition) && Object.keys(condition).some((name) => name.startsWith("$"))) {
    // Conditions on one field are a conjunction: $eq or $in alone bounds the candidates.
    if (Object.hasOwn(condition, "$eq")) return oneKey(condition.$eq);
    const list = condition.$in;
    if (!Array.isArray(list)) return undefined;
    const keys = list.map(valueKey);
    return keys.every((key) => key !== undefined) ? (keys as string[]) : undefined;
  }
  return oneKey(condition);
}

function oneKey(value: unknown): string[] | undefined {
  const key = valueKey(value);
  return key === undefined ? undefined : [key];
}

/** The keys a stored document has for `path`: one per value the path reaches. */
function documentKeys(doc: Document, path: string): string[] {
  let value: unknown = doc;
  for (const segment of path.split(".")) {
    if (Array.isArray(value)) return [ANY]; // paths through arrays: left to the full filter
    value = isPlainObject(value) ? value[segment] : undefined;
    if (value === undefined || value === null) return [valueKey(null)!];
  }
  const values = Array.isArray(value) ? value : [value];
  return values.map((item) => valueKey(item) ?? ANY);
}

/**
 * A string that equal values (in MongoDB's sense) share, or undefined for values this index does
 * not key. A sub-document is keyed by its first field (field order matters in MongoDB's equality).
 */
export function valueKey(value: unknown): string | undefined {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return `s${value}`;
    case "number":
      return `n${value}`;
    case "boolean":
      return `b${value}`;
  }
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof congodb.plugins.bson.ObjectId) return `o${value.toHexString()}`;
  if (!isPlainObject(value)) return undefined;
  const [first] = Object.keys(value);
  if (first === undefined) return "{}";
  const inner = valueKey(value[first]);
  return inner === undefined ? undefined : `{${first}=${inner}`;
}

/** A key's ids as a live iterator over its postings (read it before the next write). */
function idsOf(postings: Postings): Iterable<string> {
  return typeof postings === "string" ? [postings] : postings.values();
}

function sizeOf(postings: Postings): number {
  return typeof postings === "string" ? 1 : postings.size;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof RegExp) &&
    !("_bsontype" in value)
  );
}
