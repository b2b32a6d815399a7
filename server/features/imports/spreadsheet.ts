/**
 * Reads an uploaded spreadsheet, CSV (csv-parse) or XLSX (exceljs, first worksheet), into its header and data rows,
 * each with its spreadsheet row number: the header is row 1 and every record is one row, so a quoted CSV cell holding
 * a line break (CR, LF or CRLF) does not shift the numbers of the rows after it. Blank rows are dropped but keep their
 * number in the count, as a spreadsheet program shows them.
 */
import { parse } from 'csv-parse';
import { createPacer } from '../../eventLoop';
import ExcelJS from 'exceljs';

/** Media type of an XLSX workbook. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A read spreadsheet. */
export interface Spreadsheet {
  /** Column names of row 1, trimmed. */
  header: string[];
  /** Non-blank data rows with their spreadsheet row number (2 = the first after the header). */
  rows: { cells: string[]; row: number }[];
  /** Why the file could not be read, when it could not (header and rows are then empty). */
  problem?: { row: number; reason: string };
}

/** The kind of a file from its media type, its name, or its first bytes (an XLSX workbook is a ZIP: PK\x03\x04). */
export function spreadsheetKind(file: Buffer | string, contentType?: string, fileName?: string): 'csv' | 'xlsx' {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === XLSX_TYPE || /\.xlsx$/i.test(fileName ?? '')) return 'xlsx';
  if (typeof file !== 'string' && file.length >= 4 && file.readUInt32BE(0) === 0x504b0304) return 'xlsx';
  return 'csv';
}

const blank = (cells: string[]) => cells.every((c) => !c.trim());

/** Characters of CSV text parsed between yields to the event loop (a 10,000-row file is parsed in ~40 slices). */
const CSV_SLICE = 64 * 1024;

/** Parses CSV text with csv-parse's streaming parser, a slice at a time, yielding between slices (see createPacer). */
async function parseCsv(text: string): Promise<string[][]> {
  const records: string[][] = [];
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false });
  parser.on('data', (r: string[]) => records.push(r));
  const finished = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  finished.catch(() => undefined); // awaited below; a failure part-way must not be an unhandled rejection meanwhile
  const pace = createPacer();
  let failed = false;
  parser.once('error', () => (failed = true));
  for (let i = 0; i < text.length && !failed;) {
    let end = Math.min(i + CSV_SLICE, text.length);
    // Never split a surrogate pair between two slices.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end += 1;
    parser.write(text.slice(i, end));
    i = end;
    await pace();
  }
  if (!failed) parser.end();
  await finished;
  return records;
}

async function readCsv(text: string): Promise<Spreadsheet> {
  try {
    const records = await parseCsv(text);
    const numbered = records.map((cells, i) => ({ cells, row: i + 1 })).filter((r) => !blank(r.cells));
    if (!numbered.length) return { header: [], rows: [], problem: { row: 1, reason: 'the file is empty' } };
    const [head, ...rows] = numbered;
    if (head!.row !== 1) return { header: [], rows: [], problem: { row: 1, reason: 'row 1 (the header) is blank' } };
    return { header: head!.cells.map((h) => h.trim()), rows };
  } catch (err) {
    const e = err as { message: string; records?: number };
    return {
      header: [],
      rows: [],
      problem: { row: (e.records ?? 0) + 1, reason: `not readable as CSV: ${e.message}` },
    };
  }
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'result' in v) return v.result == null ? '' : String(v.result);
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  if (typeof v === 'object' && 'text' in v) return String(v.text);
  if (typeof v === 'object' && 'error' in v) return '';
  return String(v);
}

async function readXlsx(file: Buffer): Promise<Spreadsheet> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch (err) {
    return { header: [], rows: [], problem: { row: 1, reason: `not readable as XLSX: ${(err as Error).message}` } };
  }
  const sheet = book.worksheets[0];
  if (!sheet || sheet.actualRowCount === 0)
    return { header: [], rows: [], problem: { row: 1, reason: 'the first worksheet is empty' } };
  const width = sheet.columnCount;
  const cellsOf = (row: ExcelJS.Row) => Array.from({ length: width }, (_, j) => cellText(row.getCell(j + 1)));
  const first = cellsOf(sheet.getRow(1));
  if (blank(first)) return { header: [], rows: [], problem: { row: 1, reason: 'row 1 (the header) is blank' } };
  // Trailing columns without a header name and without values are not columns.
  let used = first.length;
  while (used > 0 && !first[used - 1]!.trim()) used -= 1;
  const rows: Spreadsheet['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells = cellsOf(row);
    while (cells.length > used && !cells[cells.length - 1]!.trim()) cells.pop();
    if (!blank(cells)) rows.push({ cells, row: number });
  });
  return { header: first.slice(0, used).map((h) => h.trim()), rows };
}

/** Reads a CSV or XLSX file (see the file comment). Never throws on a bad file: `problem` says why. */
export async function readSpreadsheet(
  file: Buffer | string,
  contentType?: string,
  fileName?: string,
): Promise<Spreadsheet> {
  if (spreadsheetKind(file, contentType, fileName) === 'xlsx')
    return readXlsx(typeof file === 'string' ? Buffer.from(file, 'binary') : file);
  return readCsv(typeof file === 'string' ? file : file.toString('utf8'));
}
