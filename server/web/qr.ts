import QRCode from "qrcode";

export interface QrOptions {
  size: number;
  margin: number;
  errorCorrection: "L" | "M" | "Q" | "H";
}

/** A QR code of `text` as PNG bytes. */
export function renderQrPng(text: string, options: QrOptions): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: "png",
    width: options.size,
    margin: options.margin,
    errorCorrectionLevel: options.errorCorrection,
  });
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
