/** Bulk writes through `unnest` of typed arrays: one parameterised statement per batch, the same on both engines. */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';

/** A column of a bulk insert: its name and PostgreSQL array element type. */
export interface BulkColumn {
  /** Column name in the target table. */
  name: string;
  /** PostgreSQL type of one value, e.g. text, float8, int4. */
  type: 'text' | 'float8' | 'int4' | 'bool';
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
  const { table, columns, rows, expressions = {}, inputOnly = [], onConflict = '', batchSize = 10_000 } = args;
  const inputs = columns.map((c) => c.name);
  const targets = [
    ...inputs.filter((name) => !inputOnly.includes(name)),
    ...Object.keys(expressions).filter((name) => !inputs.includes(name)),
  ];
  const quote = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  const selects = targets.map((t) => expressions[t] ?? `v."${t}"`).join(', ');
  let written = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const arrays = columns.map((_, i) => batch.map((row) => row[i] ?? null));
    const unnest = sql.join(
      columns.map((c, i) => sql`${sql.param(arrays[i])}::${sql.raw(c.type)}[]`),
      sql`, `,
    );
    const statement: SQL = sql`insert into ${sql.raw(table)} (${sql.raw(quote(targets))}) select ${sql.raw(selects)} from unnest(${unnest}) as v(${sql.raw(quote(inputs))}) ${sql.raw(onConflict)}`;
    await db.execute(statement);
    written += batch.length;
    args.onBatch?.(written);
  }
  return written;
}
