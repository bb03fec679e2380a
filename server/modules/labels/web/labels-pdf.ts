import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { QrOptions } from "../../../platform/web/qr";

/**
 * Printable A4 label sheets: 3 × 8 labels of 70 × 36 mm (the common 24-up sheet, e.g. Avery
 * 3475), each with the QR code of its Digital Link and, in Chinese, the product, brand, origin,
 * lot, net content, serial, barcode number and a URL to type when the code cannot be scanned.
 * Everything printed keeps 5 mm from the label's edges (printers and die-cuts drift); the QR code
 * keeps a quiet zone of 4 modules (ISO/IEC 18004) to the text. Text never runs past its box: the
 * lines shrink together until they fit, and the origin and serial wrap rather than being cut.
 * QR codes are drawn as vector rectangles (one per run of dark modules), so they print sharply at
 * any resolution. Text uses Noto Sans SC as OpenType files (npm `@embedpdf/fonts-sc`,
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
  /** What the labelled item holds, as printed ("250 克"). */
  netContent?: string;
  /** The barcode number as printed on the pack (13 digits for an EAN-13). */
  gtin?: string;
  /** The link without its scheme, for typing into a browser. */
  fallbackUrl: string;
}

const MM = 72 / 25.4;
const PAGE = { width: 210 * MM, height: 297 * MM };
const GRID = { columns: 3, rows: 8, width: 70 * MM, height: 36 * MM, top: 4.5 * MM, left: 0 };
export const LABELS_PER_PAGE = GRID.columns * GRID.rows;
/** Nothing is printed closer than 5 mm to a label's edge (0.3 mm more for ink spread and rounding). */
const LABEL_MARGIN = 5.3 * MM;
/** The QR code's dark modules fill this square: the label's height inside its margins. */
const QR_SIDE = GRID.height - 2 * LABEL_MARGIN;
const QUIET_ZONE_MODULES = 4;

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
  const layouts = new Map<string, TextLayout>();
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
    drawLabel(doc, label, qr, { x, y, layouts });
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

interface TextLine {
  text: string;
  font: "sc" | "sc-bold";
  /** Font size before the label's lines are shrunk to fit. */
  size: number;
  maxLines: number;
  color?: string;
  /** The product name may end in "…"; every other line is printed whole. */
  mayBeCut?: boolean;
}

function drawLabel(
  doc: PDFKit.PDFDocument,
  label: LabelContent,
  qr: QrRuns,
  at: { x: number; y: number; layouts: Map<string, TextLayout> },
): void {
  const { x, y } = at;
  const module = QR_SIDE / qr.size;
  const qrX = x + LABEL_MARGIN;
  const qrY = y + LABEL_MARGIN;
  for (const [row, column, length] of qr.runs) {
    doc.rect(qrX + column * module, qrY + row * module, length * module + 0.01, module + 0.01);
  }
  doc.fill("#000000");

  // The quiet zone, and half a millimetre for ink spread: text never eats into it.
  const textX = qrX + QR_SIDE + QUIET_ZONE_MODULES * module + 0.5 * MM;
  const box = {
    x: textX,
    y: y + LABEL_MARGIN,
    width: x + GRID.width - LABEL_MARGIN - textX,
    height: GRID.height - 2 * LABEL_MARGIN,
  };
  const lines = labelLines(label);
  // Labels of one sheet differ only in their serial: measured once with its widest stand-in.
  const stand = (text: string) =>
    label.serial ? text.replaceAll(label.serial, "W".repeat(label.serial.length)) : text;
  const key = `${box.width}\n${lines.map((line) => stand(line.text)).join("\n")}`;
  let layout = at.layouts.get(key);
  if (!layout) {
    layout = fitLines(
      doc,
      lines.map((line) => ({ ...line, text: stand(line.text) })),
      box,
    );
    at.layouts.set(key, layout);
  }
  let cursor = box.y;
  lines.forEach((line, index) => {
    const size = line.size * layout.scale;
    doc
      .font(line.font)
      .fontSize(size)
      .fillColor(line.color ?? "#000000");
    // Only the product name is cut ("…"); the other lines were measured to fit whole.
    const cut = line.mayBeCut ? { height: lineHeight(doc) * line.maxLines, ellipsis: true } : {};
    doc.text(line.text, box.x, cursor, { width: box.width, lineGap: LINE_GAP, ...cut });
    cursor += layout.heights[index];
  });
}

function labelLines(label: LabelContent): TextLine[] {
  const line = (text: string, maxLines = 1): TextLine => ({ text, font: "sc", size: 6, maxLines });
  return [
    { text: label.product, font: "sc-bold", size: 7.5, maxLines: 2, mayBeCut: true },
    ...(label.brand ? [line(`品牌：${label.brand}`)] : []),
    line(`产地：${label.origin}`, 2),
    line(`批次：${label.lot}`, 2),
    ...(label.harvestedAt ? [line(`采收：${label.harvestedAt}`)] : []),
    ...(label.netContent ? [line(`净含量：${label.netContent}`)] : []),
    ...(label.serial ? [line(`序列号：${label.serial}`, 2)] : []),
    ...(label.gtin ? [line(`条码：${label.gtin}`)] : []),
    { text: label.fallbackUrl, font: "sc", size: 5, maxLines: 3, color: "#333333" },
  ];
}

const LINE_GAP = -0.5;
/** The height of one wrapped line in the current font and size, as pdfkit advances it. */
const lineHeight = (doc: PDFKit.PDFDocument) => doc.currentLineHeight(true) + LINE_GAP;

interface TextLayout {
  scale: number;
  /** The height each line takes at that scale. */
  heights: number[];
}

/**
 * The largest scale (at most 1, at least 0.6) at which every line fits the box whole, wrapped
 * within its allowed number of lines (only the product name may end in "…").
 */
function fitLines(
  doc: PDFKit.PDFDocument,
  lines: TextLine[],
  box: { width: number; height: number },
): TextLayout {
  let layout: TextLayout = { scale: 0.6, heights: [] };
  for (let scale = 1; scale >= 0.6; scale -= 0.05) {
    let whole = true;
    const heights = lines.map((line) => {
      doc.font(line.font).fontSize(line.size * scale);
      const needed = doc.heightOfString(line.text, { width: box.width, lineGap: LINE_GAP });
      const allowed = lineHeight(doc) * line.maxLines;
      if (needed > allowed + 0.01 && !line.mayBeCut) whole = false;
      return Math.min(needed, allowed);
    });
    layout = { scale, heights };
    if (whole && heights.reduce((sum, height) => sum + height, 0) <= box.height) break;
  }
  return layout;
}
