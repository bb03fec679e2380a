import zlib from "node:zlib";
import { LimitExceededError, ValidationError } from "../../../platform/errors";

/**
 * Zip-bomb checks of an .xlsx upload, before a spreadsheet parser inflates it (decision 0021).
 * A 301 KB workbook that inflated to gigabytes once took 1.4 GB and stalled the service for a
 * minute. First the zip's central directory (a few bytes per entry, nothing inflated): the sum of
 * the uncompressed sizes it declares, and each entry's compression ratio. Then, because those
 * sizes are the sender's word, every entry is inflated with zlib's `maxOutputLength` set to what
 * remains of the budget, so an entry that inflates past its declared size is stopped at the limit
 * instead of filling memory. Both run in the worker pool; memory stays within the limit.
 */
export interface WorkbookLimits {
  /** IMPORT_MAX_UNZIPPED_MB, in bytes. */
  maxUnzippedBytes: number;
}

/**
 * Real workbooks compress their XML about 5-30 times; repetitive sheets reach ~100. A larger
 * ratio is a bomb, not a spreadsheet.
 */
export const MAX_COMPRESSION_RATIO = 200;

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localHeaderOffset: number;
}

export function assertWorkbookWithinLimits(bytes: Buffer, limits: WorkbookLimits): void {
  const entries = directoryEntries(bytes);
  const declared = entries.reduce((sum, entry) => sum + entry.declaredSize, 0);
  if (declared > limits.maxUnzippedBytes) throw unzippedTooLarge(limits, declared);
  for (const entry of entries) {
    const ratio = entry.declaredSize / Math.max(entry.compressedSize, 1);
    if (ratio > MAX_COMPRESSION_RATIO) {
      throw new LimitExceededError(
        "compression ratio",
        `the workbook's ${entry.name} would inflate ${Math.round(ratio)} times (a zip bomb)`,
        { allowed: MAX_COMPRESSION_RATIO, actual: Math.round(ratio) },
      );
    }
  }
  let remaining = limits.maxUnzippedBytes;
  for (const entry of entries) remaining -= inflatedSize(bytes, entry, remaining, limits);
}

function directoryEntries(bytes: Buffer): ZipEntry[] {
  const end = findEndOfDirectory(bytes);
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) {
    throw ValidationError.forField("file", "is a ZIP64 archive, which no import-sized workbook needs");
  }
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== DIRECTORY_ENTRY) throw unreadable();
    const nameLength = bytes.readUInt16LE(at + 28);
    entries.push({
      name: bytes.toString("utf8", at + 46, at + 46 + nameLength),
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      declaredSize: bytes.readUInt32LE(at + 24),
      localHeaderOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return entries;
}

/** The end-of-central-directory record: in the last 64 KiB + 22 bytes (its comment may be long). */
function findEndOfDirectory(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  throw unreadable();
}

function inflatedSize(bytes: Buffer, entry: ZipEntry, remaining: number, limits: WorkbookLimits): number {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) throw unreadable();
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === STORED) {
    if (data.length > remaining) throw unzippedTooLarge(limits);
    return data.length;
  }
  if (entry.method !== DEFLATED) {
    throw ValidationError.forField("file", `uses zip compression method ${entry.method}; .xlsx uses deflate`);
  }
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(remaining, 1) }).length;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw unzippedTooLarge(limits);
    throw unreadable();
  }
}

function unzippedTooLarge(limits: WorkbookLimits, declared?: number): LimitExceededError {
  const mb = (bytes: number) => Math.ceil(bytes / 2 ** 20);
  return new LimitExceededError(
    "IMPORT_MAX_UNZIPPED_MB",
    declared === undefined
      ? "the workbook inflates to more than allowed (a zip bomb, or split the file)"
      : `the workbook declares ${mb(declared)} MB once unzipped (a zip bomb, or split the file)`,
    { allowed: mb(limits.maxUnzippedBytes), ...(declared === undefined ? {} : { actual: mb(declared) }) },
  );
}

function unreadable(): ValidationError {
  return ValidationError.forField("file", "is not a readable .xlsx workbook (damaged zip archive)");
}
