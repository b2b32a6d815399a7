/** CSV writing (RFC 4180) with cells neutralised against formula injection in spreadsheets. Pure. */

/** Characters that make a spreadsheet read a text cell as a formula (or that hide one after whitespace). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: text starting with =, +, -, @, tab or CR is prefixed with ' so spreadsheets show it as text; numbers are left alone. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: a header row and data rows, CRLF line ends. */
export function toCsv(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
