import zlib from "node:zlib";

/**
 * Builds .xlsx-shaped zip archives for the zip-bomb tests: each entry deflated, and optionally
 * declaring an uncompressed size other than its real one (a bomb that lies in its directory).
 */
export interface ZipEntryDraft {
  name: string;
  content: Buffer;
  /** The uncompressed size written in the headers; the real one by default. */
  declaredSize?: number;
}

export function zipArchive(drafts: ZipEntryDraft[]): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const draft of drafts) {
    const name = Buffer.from(draft.name, "utf8");
    const data = zlib.deflateRawSync(draft.content, { level: 9 });
    const crc = zlib.crc32(draft.content);
    const size = draft.declaredSize ?? draft.content.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    directory.push(entry, name);
    offset += local.length + name.length + data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(drafts.length, 8);
  end.writeUInt16LE(drafts.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directoryBytes, end]);
}

/** A workbook whose one sheet inflates to `megabytes` MB of zeros from a few KB per MB. */
export function zipBomb(megabytes: number, options: { lie?: boolean } = {}): Buffer {
  return zipArchive([
    { name: "[Content_Types].xml", content: Buffer.from('<?xml version="1.0"?><Types/>') },
    {
      name: "xl/worksheets/sheet1.xml",
      content: Buffer.alloc(megabytes * 2 ** 20),
      ...(options.lie ? { declaredSize: 1000 } : {}),
    },
  ]);
}
