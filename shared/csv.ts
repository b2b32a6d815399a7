/** CSV writing for exports that open cleanly in a spreadsheet: RFC 4180 quoting and formula-injection neutralising. Pure. */

/** Characters that make a spreadsheet treat a cell as a formula (or are used to smuggle one in). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises formula injection: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a single
 * quote in front, so spreadsheets show it as text (OWASP "CSV injection"). Numbers are written as numbers, so a
 * negative number stays a number.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A value of one CSV cell. */
export type CsvValue = string | number | boolean | null | undefined;

/** One cell: null/undefined → empty, numbers as they are, text neutralised and quoted when it needs to be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = neutraliseFormula(String(value));
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line with its CRLF line end: lets a long document be written a few lines at a time. */
export function csvLine(row: readonly CsvValue[]): string {
  return row.map(csvCell).join(',') + '\r\n';
}

/** A whole CSV document (CRLF line ends, header row first). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map(csvLine).join('');
}
