/** CSV (RFC 4180) that spreadsheets open safely: every cell quoted as needed, formulas defused. */

export function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value);
  // A leading =, +, - or @ would be a formula in spreadsheet software: quote-prefix it.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header line of `columns`, then one line per row (missing cells empty), CRLF line ends. */
export function renderCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = rows.map((row) => columns.map((column) => csvCell(row[column])).join(","));
  return [columns.join(","), ...lines].join("\r\n") + "\r\n";
}
