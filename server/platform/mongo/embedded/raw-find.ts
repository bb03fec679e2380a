import { congodb } from "@push.rocks/smartmongo";
import {
  decodeFields,
  documentLength,
  elementsNamed,
  fieldNames,
  filterFields,
  writeDocument,
  type ElementRange,
} from "./bson-fields";
import { idCandidates, inIdOrder, isPlainObject } from "./id-lookup";

/** What a raw find reads from the store: stored bytes by id hex, and index candidates. */
export interface RawDocuments {
  /** A collection's stored documents by `_id` hex, or undefined when it does not exist. */
  storedDocuments(db: string, coll: string): ReadonlyMap<string, Uint8Array> | undefined;
  /** Ids of the documents the declared indexes say may match, or undefined when none bounds the filter. */
  candidateIds(db: string, coll: string, filter: unknown): Iterable<string> | undefined;
  /** Ids of exactly the documents that match, in `candidateIds` order, when the indexes can tell. */
  exactMatchIds(db: string, coll: string, filter: unknown): Iterable<string> | undefined;
}

/**
 * A command reply already encoded as BSON, written after room for the OP_MSG header, so that
 * framing it allocates and copies nothing: a 50-event reply used to be allocated (zeroed) twice
 * and copied once more, and on the database thread each such buffer counts towards the external
 * memory that starts a full collection of the engine's heap (issue 15).
 */
export class RawReply {
  private constructor(private readonly frame: Buffer) {}

  /** A reply of `length` bytes that `write` puts, every byte of it, into the buffer it is given. */
  static written(length: number, write: (body: Buffer) => void): RawReply {
    const frame = Buffer.allocUnsafe(OP_MSG_HEADER + length);
    write(frame.subarray(OP_MSG_HEADER));
    return new RawReply(frame);
  }

  static of(body: Uint8Array): RawReply {
    return RawReply.written(body.length, (out) => out.set(body));
  }

  get body(): Buffer {
    return this.frame.subarray(OP_MSG_HEADER);
  }

  /** The reply framed as an OP_MSG (header, no flags, one body section), in place. */
  asOpMsg(responseTo: number, requestID: number): Buffer {
    const { frame } = this;
    frame.writeInt32LE(frame.length, 0);
    frame.writeInt32LE(requestID, 4);
    frame.writeInt32LE(responseTo, 8);
    frame.writeInt32LE(OP_MSG, 12);
    frame.writeUInt32LE(0, 16); // flagBits
    frame[20] = 0; // section kind 0: the body
    return frame;
  }
}

const OP_MSG = 2013;
/** Message header (16 bytes), flag bits (4) and the kind of the one section (1). */
const OP_MSG_HEADER = 16 + 4 + 1;

/** Command fields a raw find leaves to the slow path when present (sort, skip, hint, collation…). */
const ANSWERED_FIELDS = new Set([
  "find",
  "filter",
  "projection",
  "limit",
  "singleBatch",
  "batchSize",
  "lsid",
  "$db",
  "$clusterTime",
  "$readPreference",
  "readConcern",
  "maxTimeMS",
  "comment",
]);

/** CongoDB's first batch when the command names none. */
const DEFAULT_BATCH_SIZE = 101;

/**
 * A `find` answered from the stored BSON bytes, or undefined when the command needs CongoDB's own
 * handler (issue 15). The handler decodes every candidate document, tests the filter, projects
 * and encodes the reply again: at 100,000 events that was ~70% of the database thread's time per
 * verification, and the driver decodes the documents once more on the service's thread. Here
 * the filter is tested on the top-level fields it reads (decoded alone, with the same mingo query
 * as the handler), and a match's elements are copied byte for byte into the reply, so nothing a
 * reader gets is decoded or re-encoded on the way.
 *
 * Answers exactly what the handler answers for the commands it takes: the same documents in the
 * same order (an `_id` condition in `_id` order, an indexed field in the index's candidate order,
 * else the store's order), the same `limit`, and an inclusion projection as the handler builds it
 * (`_id` first unless excluded, then the named fields in the projection's order). It takes only a
 * first batch that holds every match; a find with sort, skip, exclusion or dotted projection, a
 * filter that may read any field (`$expr`…), or more matches than one batch is the handler's.
 * Stored values reach the driver as stored (a double stays a double), which is what MongoDB does.
 */
export function rawFind(store: RawDocuments, context: congodb.IHandlerContext): RawReply | undefined {
  const { command, database } = context;
  const collection: unknown = command.find;
  if (typeof collection !== "string") return undefined;
  if (Object.keys(command).some((field) => !ANSWERED_FIELDS.has(field))) return undefined;
  const filter: unknown = command.filter ?? {};
  if (!isPlainObject(filter)) return undefined;
  const filterNames = filterFields(filter);
  const projected = projectedFields(command.projection);
  const limit = Number(command.limit ?? 0);
  const batchSize = Number(command.batchSize ?? 0) || DEFAULT_BATCH_SIZE;
  if (!filterNames || !projected || !Number.isInteger(limit) || limit < 0) return undefined;
  const documents = store.storedDocuments(database, collection);
  if (!documents) return undefined;

  const ids = idCandidates(filter);
  const exact = ids ? undefined : store.exactMatchIds(database, collection, filter);
  const candidates =
    exact ??
    (ids
      ? inIdOrder(ids).map((id) => id.toHexString())
      : (store.candidateIds(database, collection, filter) ?? documents.keys()));
  // Documents found by their `_id` alone, or named by an index that knows its matches exactly,
  // match: the filter is tested only on candidates that may not.
  const tested = !exact && Object.keys(filter).some((field) => field !== "_id" || !ids);
  const query = tested ? new congodb.plugins.Query(filter) : undefined;
  const probeNames = fieldNames(filterNames);
  const wanted = limit > 0 ? limit : Infinity;
  const matches: Match[] = [];
  for (const id of candidates) {
    const bytes = documents.get(id);
    if (!bytes || (query && !query.test(decodeFields(bytes, probeNames)))) continue;
    if (matches.length === batchSize && !command.singleBatch) return undefined; // needs a cursor
    matches.push(projected.all ? { bytes } : { bytes, elements: projected.elements(bytes) });
    if (matches.length >= wanted || (command.singleBatch && matches.length === batchSize)) break;
  }
  return cursorReply(`${database}.${collection}`, matches);
}

/**
 * How the handler projects: every field without a projection (or an empty one); with an inclusion
 * projection (some field other than `_id` set to exactly 1), `_id` unless it is 0 or false, then
 * each field set to 1 or true, in the projection's order. Undefined for what only the handler
 * builds: exclusions, dotted paths, operators.
 */
function projectedFields(
  projection: unknown,
): { all: true } | { all: false; elements(bytes: Uint8Array): ElementRange[] } | undefined {
  if (projection === undefined || projection === null) return { all: true };
  if (!isPlainObject(projection)) return undefined;
  const keys = Object.keys(projection);
  if (keys.length === 0) return { all: true };
  if (keys.some((key) => key.includes(".") || key.startsWith("$"))) return undefined;
  const includes = (value: unknown) => value === 1 || value === true;
  if (!keys.some((key) => key !== "_id" && projection[key] === 1)) return undefined;
  if (keys.some((key) => key !== "_id" && !includes(projection[key]))) return undefined;
  const withId = projection._id !== 0 && projection._id !== false;
  const names = fieldNames(new Set([...(withId ? ["_id"] : []), ...keys.filter((key) => key !== "_id")]));
  return {
    all: false,
    elements: (bytes) => elementsNamed(bytes, names),
  };
}

/** A stored document that matched, whole or (with `elements`) projected to these elements. */
interface Match {
  bytes: Uint8Array;
  elements?: ElementRange[];
}

/**
 * `{ ok: 1, cursor: { id: 0, ns, firstBatch: [documents] } }` as BSON, as the handler answers.
 * Projected documents are written straight into the reply: built apart first, each was one more
 * off-heap buffer for the engine's collector to count and free (50 per verification).
 */
function cursorReply(ns: string, matches: Match[]): RawReply {
  const nsBytes = Buffer.from(ns, "utf8");
  const arrayElements = matches.map((match, index) => ({
    name: Buffer.from(String(index)),
    match,
    length: match.elements ? documentLength(match.elements) : match.bytes.length,
  }));
  const arrayLength =
    4 + arrayElements.reduce((sum, { name, length }) => sum + 1 + name.length + 1 + length, 0) + 1;
  const cursorLength = 4 + (1 + 3 + 8) + (1 + 3 + 4 + nsBytes.length + 1) + (1 + 11 + arrayLength) + 1;
  const length = 4 + (1 + 3 + 4) + (1 + 7 + cursorLength) + 1;
  return RawReply.written(length, (out) => {
    let at = out.writeInt32LE(length, 0);
    const name = (type: number, text: string) => {
      out[at++] = type;
      at += out.write(text, at, "latin1");
      out[at++] = 0;
    };
    name(0x10, "ok");
    at = out.writeInt32LE(1, at);
    name(0x03, "cursor");
    at = out.writeInt32LE(cursorLength, at);
    name(0x12, "id");
    at = out.writeBigInt64LE(0n, at);
    name(0x02, "ns");
    at = out.writeInt32LE(nsBytes.length + 1, at);
    at += nsBytes.copy(out, at);
    out[at++] = 0;
    name(0x04, "firstBatch");
    at = out.writeInt32LE(arrayLength, at);
    for (const { name: index, match } of arrayElements) {
      out[at++] = 0x03;
      at += index.copy(out, at);
      out[at++] = 0;
      if (match.elements) at = writeDocument(out, at, match.bytes, match.elements);
      else {
        out.set(match.bytes, at);
        at += match.bytes.length;
      }
    }
    out[at++] = 0; // end of firstBatch
    out[at++] = 0; // end of cursor
    out[at++] = 0; // end of reply
    if (at !== length) throw new Error(`raw find reply is ${at} bytes, expected ${length}`);
  });
}

/**
 * Lets CongoDB's wire layer send a `RawReply` as it is: an OP_MSG frames the bytes (header, no
 * flags, one body section); the legacy OP_REPLY (only a driver's first handshake uses OP_QUERY)
 * gets the decoded reply through CongoDB's own encoder. Idempotent.
 */
export function installRawReplies(): void {
  const wire = congodb.WireProtocol as unknown as WireEncoders & { [RAW_INSTALLED]?: true };
  if (wire[RAW_INSTALLED]) return;
  wire[RAW_INSTALLED] = true;
  const { encodeOpMsgResponse, encodeOpReplyResponse } = wire;
  wire.encodeOpMsgResponse = (responseTo, response, requestID = randomRequestId()) =>
    response instanceof RawReply
      ? response.asOpMsg(responseTo, requestID)
      : encodeOpMsgResponse.call(wire, responseTo, response, requestID);
  wire.encodeOpReplyResponse = (responseTo, documents, ...rest) =>
    encodeOpReplyResponse.call(
      wire,
      responseTo,
      documents.map((document) =>
        document instanceof RawReply ? congodb.plugins.bson.deserialize(document.body) : document,
      ),
      ...rest,
    );
}

const RAW_INSTALLED = Symbol("ecotrace raw replies");

interface WireEncoders {
  encodeOpMsgResponse(responseTo: number, response: unknown, requestID?: number): Buffer;
  encodeOpReplyResponse(responseTo: number, documents: unknown[], ...rest: unknown[]): Buffer;
}

function randomRequestId(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
