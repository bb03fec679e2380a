import zlib from "node:zlib";
import QRCode from "qrcode";

export interface QrOptions {
  size: number;
  margin: number;
  errorCorrection: "L" | "M" | "Q" | "H";
}

/**
 * A QR code of `text` as PNG bytes: exactly `size` × `size` pixels, `margin` modules of quiet zone,
 * the same geometry as `qrcode`'s own PNG output. Encoded here as a 1-bit grayscale PNG with
 * Node's native zlib: ~30× faster than `qrcode`'s RGBA encoder through pngjs (20 ms for 512 px),
 * and a fraction of the size. `npm run bench -- qr` measures it.
 */
export async function renderQrPng(text: string, options: QrOptions): Promise<Buffer> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: options.errorCorrection });
  const { size } = options;
  const span = modules.size + 2 * options.margin;
  // Which module each pixel column/row falls in (-1 or ≥ modules.size: quiet zone).
  const moduleAt = Int32Array.from(
    { length: size },
    (_, pixel) => Math.floor((pixel * span) / size) - options.margin,
  );
  const stride = 1 + Math.ceil(size / 8);
  const raw = Buffer.alloc(stride * size);
  // Pixel rows of one module row are identical: each is built once, then copied.
  let previous = { row: Number.NaN, offset: 0 };
  for (let y = 0; y < size; y++) {
    const row = moduleAt[y];
    const offset = y * stride;
    if (row === previous.row) {
      raw.copy(raw, offset, previous.offset, previous.offset + stride);
      continue;
    }
    for (let x = 0; x < size; x++) {
      const column = moduleAt[x];
      const dark =
        row >= 0 &&
        row < modules.size &&
        column >= 0 &&
        column < modules.size &&
        modules.get(row, column) === 1;
      // Byte 0 is the filter type (0, none); in 1-bit grayscale a set bit is white.
      if (!dark) raw[offset + 1 + (x >> 3)] |= 0x80 >> (x & 7);
    }
    previous = { row, offset };
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A QR code of `text` as an SVG document (scales without loss on printed labels). */
export function renderQrSvg(text: string, options: QrOptions): Promise<string> {
  return QRCode.toString(text, {
    type: "svg",
    width: options.size,
    margin: options.margin,
    errorCorrectionLevel: options.errorCorrection,
  });
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
