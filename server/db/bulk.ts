/**
 * Bulk writes, the same rows on both engines: `unnest` of typed arrays (one parameterised statement per batch, with
 * optional expressions and ON CONFLICT), and `bulkCopy` for plain appends through the engine's fastest path
 * (COPY from a blob on the embedded engine, unnest batches on PostgreSQL).
 */
import { sql, type SQL } from 'drizzle-orm';
import { NodePgSession } from 'drizzle-orm/node-postgres';
import type { Db } from './client';
import { createPacer } from '../eventLoop';

/** A column of a bulk insert: its name and PostgreSQL array element type. */
export interface BulkColumn {
  /** Column name in the target table. */
  name: string;
  /** PostgreSQL type of one value, e.g. text, float8, int4. */
  type: 'text' | 'float8' | 'int4' | 'bool';
}

/** Separates the values, and stands for null, in a column sent as one delimited text (see columnArray). */
const UNIT_SEPARATOR = '\u001f';
const NULL_MARK = '\u001e';

/**
 * One column of a batch as an SQL array expression. Normally one text parameter, the values joined by a control
 * character and split by PostgreSQL's string_to_array: a join costs little in JavaScript (and is done while the
 * previous statement runs), where the drivers' array parameters quote and escape every element. When a value holds
 * the separator or is the null mark, or the batch has one row (string_to_array('') is empty), an array parameter.
 */
function columnArray(batch: unknown[][], column: number, type: BulkColumn['type']): SQL {
  let text = '';
  let delimited = batch.length > 1;
  for (let r = 0; r < batch.length && delimited; r++) {
    const v = batch[r]![column];
    let field: string;
    if (v === null || v === undefined) field = NULL_MARK;
    else if (typeof v === 'string') {
      if (v.includes(UNIT_SEPARATOR) || v === NULL_MARK) delimited = false;
      field = v;
    } else field = String(v);
    text += r === 0 ? field : UNIT_SEPARATOR + field;
  }
  if (!delimited) return sql`${sql.param(batch.map((row) => row[column] ?? null))}::${sql.raw(type)}[]`;
  return sql`string_to_array(${text}::text, ${UNIT_SEPARATOR}::text, ${NULL_MARK}::text)::${sql.raw(type)}[]`;
}

function unnestInsert(
  table: string,
  columns: BulkColumn[],
  batch: unknown[][],
  expressions: Record<string, string> = {},
  inputOnly: string[] = [],
  onConflict = '',
  delimited = false,
): SQL {
  const inputs = columns.map((c) => c.name);
  const targets = [
    ...inputs.filter((name) => !inputOnly.includes(name)),
    ...Object.keys(expressions).filter((name) => !inputs.includes(name)),
  ];
  const quote = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  const selects = targets.map((t) => expressions[t] ?? `v."${t}"`).join(', ');
  const unnest = sql.join(
    columns.map((c, i) =>
      delimited
        ? columnArray(batch, i, c.type)
        : sql`${sql.param(batch.map((row) => row[i] ?? null))}::${sql.raw(c.type)}[]`,
    ),
    sql`, `,
  );
  return sql`insert into ${sql.raw(table)} (${sql.raw(quote(targets))}) select ${sql.raw(selects)} from unnest(${unnest}) as v(${sql.raw(quote(inputs))}) ${sql.raw(onConflict)}`;
}

/**
 * Inserts rows (arrays of values in column order) into `table` in batches of `batchSize`, optionally through a
 * select expression per column (e.g. ST_GeomFromGeoJSON) and an ON CONFLICT clause. Returns rows written.
 */
export async function bulkInsert(
  db: Db,
  args: {
    table: string;
    columns: BulkColumn[];
    rows: unknown[][];
    /**
     * SQL expression per target column over the unnested values `v.<name>` (default: the value itself). A key that is
     * not an input column adds a computed target column.
     */
    expressions?: Record<string, string>;
    /** Input columns that only feed expressions and are not written themselves. */
    inputOnly?: string[];
    /** Trailing clause, e.g. `on conflict (code) do update set name = excluded.name`. */
    onConflict?: string;
    /** Rows per statement. Default 10,000. */
    batchSize?: number;
    /** Called after each batch with rows written so far. */
    onBatch?: (written: number) => void;
  },
): Promise<number> {
  const { table, columns, rows, batchSize = 10_000 } = args;
  let written = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    await db.execute(unnestInsert(table, columns, batch, args.expressions, args.inputOnly, args.onConflict));
    written += batch.length;
    args.onBatch?.(written);
  }
  return written;
}

/** The embedded driver's query, as drizzle's session holds it (the PGlite instance, or its transaction). */
interface BlobQueryClient {
  query(text: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
}

/** Whether `db` (a database or a transaction) runs on node-postgres; otherwise it is the embedded engine. */
function isNodePg(db: Db): boolean {
  return (db as unknown as { session: unknown }).session instanceof NodePgSession;
}

const NEEDS_QUOTES = /[",\r\n\\]/;

/**
 * One value as a field of PostgreSQL's CSV COPY format: null is an unquoted empty field, an empty string is `""`,
 * text with a quote, comma, line break or backslash is quoted (quotes doubled), numbers in JavaScript's shortest
 * round-trip form (so float8 values arrive unchanged; -0 becomes 0, as the drivers' array parameters write it),
 * booleans as t/f.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  const text = String(value);
  if (text === '' || NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

/**
 * Appends rows (arrays of values in column order) to `table` through the engine's fastest bulk path: on the embedded
 * engine one `COPY … FROM '/dev/blob'` of CSV per batch, on PostgreSQL one unnest insert per batch. A plain append:
 * no expressions and no ON CONFLICT, so a caller replacing rows deletes them first (in the same transaction).
 * Building a batch yields to the event loop in slices; on PostgreSQL the next batch is built while the previous one
 * is written. `rows` may be an array or batches produced on demand. Returns rows written.
 */
export async function bulkCopy(
  db: Db,
  args: {
    table: string;
    columns: BulkColumn[];
    rows: unknown[][] | AsyncIterable<unknown[][]> | Iterable<unknown[][]>;
    /** Rows per statement when `rows` is an array. Default 100,000. */
    batchSize?: number;
    /** Called after each batch with rows written so far. */
    onBatch?: (written: number) => void;
  },
): Promise<number> {
  const { table, columns, batchSize = 100_000 } = args;
  const batches: AsyncIterable<unknown[][]> | Iterable<unknown[][]> = Array.isArray(args.rows)
    ? (function* (rows: unknown[][]) {
        for (let start = 0; start < rows.length; start += batchSize) yield rows.slice(start, start + batchSize);
      })(args.rows)
    : args.rows;
  const pace = createPacer();
  const nodePg = isNodePg(db);
  const copy = `copy ${table} (${columns.map((c) => `"${c.name}"`).join(', ')}) from '/dev/blob' with (format csv)`;
  const client = (db as unknown as { session: { client: BlobQueryClient } }).session.client;
  let written = 0;
  let inFlight: Promise<void> | undefined;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    let write: () => Promise<unknown>;
    if (nodePg) {
      const statement = unnestInsert(table, columns, batch, {}, [], '', true);
      write = () => db.execute(statement);
    } else {
      const lines: string[] = [];
      for (const row of batch) {
        let line = csvField(row[0]);
        for (let i = 1; i < row.length; i++) line += ',' + csvField(row[i]);
        lines.push(line);
        if (lines.length % 1000 === 0) await pace();
      }
      const blob = new Blob([lines.join('\n'), '\n']);
      write = () => client.query(copy, [], { blob });
    }
    await inFlight;
    const n = batch.length;
    inFlight = write().then(() => {
      written += n;
      args.onBatch?.(written);
    });
    // Seen as handled while the next batch is built; the error itself is thrown by the await above or below.
    inFlight.catch(() => undefined);
  }
  await inFlight;
  return written;
}
