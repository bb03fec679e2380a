import { congodb } from "@push.rocks/smartmongo";

const { deserialize } = congodb.plugins.bson;
type Document = congodb.plugins.bson.Document;

/**
 * The top-level fields a query filter reads, or undefined when it may read any (`$expr`,
 * `$where`, `$text`…). `{ "body.bizStep": x, $or: [{ eventTime: … }] }` reads body and eventTime.
 */
export function filterFields(filter: Document): Set<string> | undefined {
  const fields = new Set<string>();
  const visit = (part: unknown): boolean => {
    if (typeof part !== "object" || part === null || Array.isArray(part)) return false;
    for (const [name, condition] of Object.entries(part)) {
      if (name === "$and" || name === "$or" || name === "$nor") {
        if (!Array.isArray(condition) || !condition.every(visit)) return false;
      } else if (name.startsWith("$")) return false;
      else fields.add(name.split(".")[0]);
    }
    return true;
  };
  return visit(filter) ? fields : undefined;
}

/** Field names as the bytes a BSON document spells them with (for `decodeFields`). */
export function fieldNames(fields: Set<string>): Uint8Array[] {
  return [...fields].map((field) => Buffer.from(field, "utf8"));
}

/**
 * Decodes only the named top-level fields of a BSON document (the others are skipped by their
 * length, never decoded): what a scan needs to test a filter against a document it will mostly
 * throw away.
 */
export function decodeFields(bytes: Uint8Array, names: Uint8Array[]): Document {
  return deserialize(documentOf(bytes, elementsNamed(bytes, names)));
}

/** Where an element starts and ends in a BSON document (type byte to end of value). */
export type ElementRange = [start: number, end: number];

/**
 * The top-level elements of a BSON document with these names, in the order of `names` (a name the
 * document does not have is left out; of duplicates, the first).
 */
export function elementsNamed(bytes: Uint8Array, names: Uint8Array[]): ElementRange[] {
  const found: (ElementRange | undefined)[] = names.map(() => undefined);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4;
  while (at < bytes.length - 1) {
    const start = at;
    const type = bytes[at++];
    const nameEnd = bytes.indexOf(0, at);
    const wanted = names.findIndex((name) => sameBytes(bytes, at, nameEnd, name));
    at = nameEnd + 1;
    at += valueLength(type, bytes, view, at);
    if (wanted >= 0 && !found[wanted]) found[wanted] = [start, at];
  }
  return found.filter((range) => range !== undefined);
}

/** A BSON document of these elements of `bytes`, in this order. */
export function documentOf(bytes: Uint8Array, elements: ElementRange[]): Uint8Array {
  const document = new Uint8Array(documentLength(elements));
  writeDocument(document, 0, bytes, elements);
  return document;
}

/** The length of the BSON document `documentOf` makes of these elements. */
export function documentLength(elements: ElementRange[]): number {
  return 4 + elements.reduce((sum, [start, end]) => sum + end - start, 0) + 1;
}

/** Writes the document `documentOf` makes into `out` at `offset`; returns the offset after it. */
export function writeDocument(
  out: Uint8Array,
  offset: number,
  bytes: Uint8Array,
  elements: ElementRange[],
): number {
  let at = offset + 4;
  for (const [start, end] of elements) {
    out.set(bytes.subarray(start, end), at);
    at += end - start;
  }
  out[at++] = 0;
  new DataView(out.buffer, out.byteOffset + offset, 4).setInt32(0, at - offset, true);
  return at;
}

function sameBytes(bytes: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let index = 0; index < name.length; index++) if (bytes[start + index] !== name[index]) return false;
  return true;
}

/** The length of an element's value of BSON `type` starting at `at`. */
function valueLength(type: number, bytes: Uint8Array, view: DataView, at: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + view.getInt32(at, true);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return view.getInt32(at, true);
    case 0x05: // binary: length, subtype, bytes
      return 4 + 1 + view.getInt32(at, true);
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regular expression: pattern and options, two C strings
      const patternEnd = bytes.indexOf(0, at);
      return bytes.indexOf(0, patternEnd + 1) + 1 - at;
    }
    case 0x0c: // DBPointer: string, then an ObjectId
      return 4 + view.getInt32(at, true) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      throw new Error(`unknown BSON element type ${type}`);
  }
}
