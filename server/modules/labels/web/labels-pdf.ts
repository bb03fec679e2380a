import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { QrOptions } from "../../../platform/web/qr";

/**
 * Printable A4 label sheets: 3 × 8 labels of 70 × 36 mm (the common 24-up sheet, e.g. Avery
 * 3475), each with the QR code of its Digital Link and the product, brand, lot and origin in
 * Chinese. QR codes are drawn as vector rectangles (one per run of dark modules), so they print
 * sharply at any resolution. Text uses Noto Sans SC as OpenType files (npm `@embedpdf/fonts-sc`,
 * "NotoSansHans", SIL OFL: a font package for PDF embedding; pdfkit cannot read WOFF2, so the web
 * font packages will not do); its files are read once per process and pdfkit embeds only the
 * glyphs used.
 */
export interface LabelContent {
  link: string;
  product: string;
  brand?: string;
  lot: string;
  origin: string;
  harvestedAt?: string;
  serial?: string;
}

const MM = 72 / 25.4;
const PAGE = { width: 210 * MM, height: 297 * MM };
const GRID = { columns: 3, rows: 8, width: 70 * MM, height: 36 * MM, top: 4.5 * MM, left: 0 };
export const LABELS_PER_PAGE = GRID.columns * GRID.rows;
const QR_SIZE = 30 * MM;
const PAD = 3 * MM;

let fonts: { regular: Buffer; bold: Buffer } | undefined;

function loadFonts(): { regular: Buffer; bold: Buffer } {
  if (!fonts) {
    // The package exports only its index (dist/); the font files sit in fonts/ beside it.
    const fontDir = path.join(path.dirname(require.resolve("@embedpdf/fonts-sc")), "..", "fonts");
    fonts = {
      regular: fs.readFileSync(path.join(fontDir, "NotoSansHans-Regular.otf")),
      bold: fs.readFileSync(path.join(fontDir, "NotoSansHans-Bold.otf")),
    };
  }
  return fonts;
}

/** Writes the sheet to `output` (an HTTP response or a file stream); resolves when it is written. */
export function writeLabelsPdf(
  labels: readonly LabelContent[],
  options: Pick<QrOptions, "errorCorrection"> & { title: string },
  output: NodeJS.WritableStream,
): Promise<void> {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: "A4",
    margin: 0,
    autoFirstPage: false,
    info: { Title: options.title, Producer: "EcoTrace", Creator: "EcoTrace labels" },
  });
  doc.registerFont("sc", regular);
  doc.registerFont("sc-bold", bold);
  const done = new Promise<void>((resolve, reject) => {
    output.once("finish", resolve);
    // A client that goes away ends the response without "finish": nothing more to write.
    output.once("close", resolve);
    output.once("error", reject);
    doc.once("error", reject);
  });
  doc.pipe(output);
  const runs = new Map<string, QrRuns>();
  labels.forEach((label, index) => {
    if (index % LABELS_PER_PAGE === 0) doc.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
    const slot = index % LABELS_PER_PAGE;
    const x = GRID.left + (slot % GRID.columns) * GRID.width;
    const y = GRID.top + Math.floor(slot / GRID.columns) * GRID.height;
    let qr = runs.get(label.link);
    if (!qr) {
      qr = qrRuns(label.link, options.errorCorrection);
      if (runs.size < 64) runs.set(label.link, qr);
    }
    drawLabel(doc, label, qr, x, y);
  });
  if (labels.length === 0) doc.addPage();
  doc.end();
  return done;
}

interface QrRuns {
  size: number;
  /** [row, column, length] of each horizontal run of dark modules. */
  runs: [number, number, number][];
}

function qrRuns(text: string, errorCorrection: QrOptions["errorCorrection"]): QrRuns {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: errorCorrection });
  const runs: [number, number, number][] = [];
  for (let row = 0; row < modules.size; row++) {
    let start = -1;
    for (let column = 0; column <= modules.size; column++) {
      const dark = column < modules.size && modules.get(row, column) === 1;
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        runs.push([row, start, column - start]);
        start = -1;
      }
    }
  }
  return { size: modules.size, runs };
}

function drawLabel(doc: PDFKit.PDFDocument, label: LabelContent, qr: QrRuns, x: number, y: number): void {
  // Quiet zone: the QR sits on white inside the label, 2 modules at least from the text.
  const module = QR_SIZE / (qr.size + 4);
  const qrX = x + PAD + 2 * module;
  const qrY = y + (GRID.height - QR_SIZE) / 2 + 2 * module;
  for (const [row, column, length] of qr.runs) {
    doc.rect(qrX + column * module, qrY + row * module, length * module + 0.01, module + 0.01);
  }
  doc.fill("#000000");

  const textX = x + PAD + QR_SIZE + 1.5 * MM;
  const width = GRID.width - (textX - x) - PAD;
  let cursor = y + 3.2 * MM;
  doc.font("sc-bold").fontSize(8.5).fillColor("#000000");
  doc.text(label.product, textX, cursor, { width, height: 24, ellipsis: true, lineGap: -1 });
  cursor = Math.max(doc.y, cursor + 11) + 1;
  doc.font("sc").fontSize(6.5);
  const lines: [string, number][] = [
    ...(label.brand ? [[`品牌：${label.brand}`, 1] as [string, number]] : []),
    [`批次：${label.lot}`, 1],
    [`产地：${label.origin}`, label.serial ? 1 : 2],
    ...(label.harvestedAt ? [[`采收：${label.harvestedAt}`, 1] as [string, number]] : []),
    ...(label.serial ? [[`序列号：${label.serial}`, 1] as [string, number]] : []),
  ];
  for (const [line, maxLines] of lines) {
    doc.text(line, textX, cursor, { width, height: 8.6 * maxLines, ellipsis: true, lineGap: -0.5 });
    cursor = Math.max(doc.y, cursor + 8.6);
  }
  doc.fontSize(5.5).fillColor("#444444");
  doc.text("扫码查看产地、溯源与区块链验证", textX, y + GRID.height - 3 * MM - 7, {
    width,
    height: 8,
    ellipsis: true,
    lineBreak: false,
  });
}
