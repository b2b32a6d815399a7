/** Reading reference files (CSV and GeoJSON, gzipped or not) with row-by-row validation that names file, line, field and reason. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { parse } from 'csv-parse';
import type { z } from 'zod';

/** One rejected row of an import. */
export interface RowProblem {
  /** File name relative to the data folder. */
  file: string;
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  /** Column or property at fault. */
  field: string;
  /** Why it was rejected. */
  reason: string;
}

/** Raised when a file has any bad row: the whole file is rejected and nothing of it is written. */
export class ImportRejectedError extends Error {
  constructor(readonly problems: RowProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `  ${p.file}:${p.line} ${p.field}: ${p.reason}`);
    const more = problems.length > 20 ? [`  … and ${problems.length - 20} more`] : [];
    super(`Import rejected: ${problems.length} bad row(s), nothing was written.\n${[...shown, ...more].join('\n')}`);
    this.name = 'ImportRejectedError';
  }
}

/** Opens a file as text, gunzipping when it ends in .gz. */
export function openText(file: string): NodeJS.ReadableStream {
  const stream = fs.createReadStream(file);
  return file.endsWith('.gz') ? stream.pipe(zlib.createGunzip()) : stream;
}

const gunzip = promisify(zlib.gunzip);

/** Reads a whole (possibly gzipped) file as a string; reading and gunzipping run off the event loop's thread. */
export async function readText(file: string): Promise<string> {
  const buffer = await fs.promises.readFile(file);
  return (file.endsWith('.gz') ? await gunzip(buffer) : buffer).toString('utf8');
}

/**
 * Parses a CSV with a header row and validates each record with `schema`; returns the valid rows and one problem per
 * bad field. Missing required columns are reported once, against line 1.
 */
export async function readCsv<S extends z.ZodType>(
  file: string,
  schema: S,
  requiredColumns: string[],
): Promise<{ rows: z.output<S>[]; lines: number[]; problems: RowProblem[] }> {
  const name = path.basename(file);
  const rows: z.output<S>[] = [];
  // lines[i] is the file line of rows[i], so later checks can report the right line.
  const lines: number[] = [];
  const problems: RowProblem[] = [];
  const parser = openText(file).pipe(
    parse({ columns: true, info: true, skip_empty_lines: true, relax_column_count: false, bom: true }),
  );
  let checkedHeader = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (!checkedHeader) {
        checkedHeader = true;
        const missing = requiredColumns.filter((c) => !(c in record));
        if (missing.length) {
          return {
            rows,
            lines,
            problems: missing.map((c) => ({
              file: name,
              line: 1,
              field: c,
              reason: 'column is missing from the header',
            })),
          };
        }
      }
      const result = schema.safeParse(record);
      if (result.success) {
        rows.push(result.data);
        lines.push(info.lines);
      } else {
        for (const issue of result.error.issues) {
          problems.push({
            file: name,
            line: info.lines,
            field: issue.path.join('.') || '(row)',
            reason: issue.message,
          });
        }
      }
    }
  } catch (err) {
    const e = err as { message: string; lines?: number };
    problems.push({ file: name, line: e.lines ?? 0, field: '(file)', reason: `not readable as CSV: ${e.message}` });
  }
  if (!checkedHeader) problems.push({ file: name, line: 1, field: '(file)', reason: 'the file has no rows' });
  return { rows, lines, problems };
}

/** A GeoJSON feature as read from a boundary file. */
export interface Feature {
  /** Feature properties. */
  properties: Record<string, unknown>;
  /** Polygon or MultiPolygon geometry. */
  geometry: { type: string; coordinates: unknown };
}

/** Reads a GeoJSON FeatureCollection of polygons; reports features without a code property or a polygon geometry. */
export async function readPolygons(
  file: string,
  codeProperty: string,
): Promise<{ features: Feature[]; problems: RowProblem[] }> {
  const name = path.basename(file);
  let parsed: { type?: string; features?: Feature[] };
  try {
    parsed = JSON.parse(await readText(file));
  } catch (err) {
    return {
      features: [],
      problems: [{ file: name, line: 0, field: '(file)', reason: `not valid JSON: ${(err as Error).message}` }],
    };
  }
  if (parsed.type !== 'FeatureCollection' || !Array.isArray(parsed.features)) {
    return {
      features: [],
      problems: [{ file: name, line: 0, field: 'type', reason: 'must be a GeoJSON FeatureCollection' }],
    };
  }
  const problems: RowProblem[] = [];
  parsed.features.forEach((f, i) => {
    if (typeof f?.properties?.[codeProperty] !== 'string') {
      problems.push({ file: name, line: i + 1, field: codeProperty, reason: 'feature has no code' });
    } else if (!f.geometry || !['Polygon', 'MultiPolygon'].includes(f.geometry.type)) {
      problems.push({ file: name, line: i + 1, field: 'geometry', reason: 'must be a Polygon or MultiPolygon' });
    }
  });
  return { features: parsed.features, problems };
}
