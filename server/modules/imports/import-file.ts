import { parse } from "csv-parse";
import { readSheet } from "read-excel-file/node";
import { LimitExceededError, ValidationError } from "../../platform/errors";
import { assertWorkbookWithinLimits } from "./domain/workbook-archive";

/**
 * Reads an import file (CSV, UTF-8, or the first sheet of an .xlsx workbook) into rows of cells
 * keyed by normalised column name. Row numbers are those a spreadsheet shows: the header is row 1.
 * CPU-heavy for big files: the service runs it in the worker pool (import-file.task.ts).
 */
export type Cell = string | number | boolean | Date | null;

export interface FileRow {
  row: number;
  cells: Record<string, Cell>;
}

export interface ImportFile {
  format: "csv" | "xlsx";
  columns: string[];
  rows: FileRow[];
}

/** IMPORT_MAX_ROWS and IMPORT_MAX_UNZIPPED_MB (in bytes) of the configuration. */
export interface ImportFileLimits {
  maxRows: number;
  maxUnzippedBytes: number;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export async function readImportFile(
  bytes: Buffer,
  fileName: string,
  limits: ImportFileLimits,
): Promise<ImportFile> {
  const xlsx = bytes.subarray(0, 4).equals(ZIP_MAGIC) || /\.xlsx$/i.test(fileName);
  if (xlsx) assertWorkbookWithinLimits(bytes, limits);
  const table = xlsx ? await readWorkbook(bytes) : await readCsv(bytes);
  const [header = [], ...body] = table;
  const columns = header.map((title) => normalizeColumn(String(title ?? "")));
  const rows: FileRow[] = [];
  body.forEach((cells, position) => {
    if (cells.every((cell) => cell === null || cell === "")) return;
    rows.push({
      row: position + 2,
      cells: Object.fromEntries(columns.map((column, index) => [column, normalizeCell(cells[index])])),
    });
  });
  if (rows.length > limits.maxRows) {
    throw new LimitExceededError("IMPORT_MAX_ROWS", `the file has ${rows.length} data rows; split it`, {
      allowed: limits.maxRows,
      actual: rows.length,
    });
  }
  return { format: xlsx ? "xlsx" : "csv", columns, rows };
}

/** `Harvested At`, `harvested-at` and `harvested_at` all name the column harvested_at. */
export function normalizeColumn(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

function normalizeCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (typeof value === "number" || typeof value === "boolean" || value instanceof Date) return value;
  return String(value);
}

async function readCsv(bytes: Buffer): Promise<Cell[][]> {
  if (bytes.includes(0)) throw ValidationError.forField("file", "is neither UTF-8 CSV nor an .xlsx workbook");
  return new Promise((resolve, reject) => {
    parse(
      bytes,
      { bom: true, relax_column_count: true, trim: true },
      (error, records: string[][] | undefined) => {
        if (error) reject(ValidationError.forField("file", `is not valid CSV: ${error.message}`));
        else resolve(records ?? []);
      },
    );
  });
}

async function readWorkbook(bytes: Buffer): Promise<Cell[][]> {
  try {
    return (await readSheet(bytes)) as Cell[][];
  } catch (error) {
    throw ValidationError.forField("file", `is not a readable .xlsx workbook: ${(error as Error).message}`);
  }
}
