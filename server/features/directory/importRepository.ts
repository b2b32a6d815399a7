/**
 * Set-based SQL of the imports' one write into the directory (importWrite.ts): multi-row inserts and updates through
 * `unnest`, one statement per batch of rows of the same shape. A field a row leaves `undefined` is not written (an
 * insert gives it the column default, an update keeps the stored value); `null` writes null.
 */
import { sql } from 'drizzle-orm';
import { bulkInsert, query, type Db } from '../../db';

/** A column's PostgreSQL type; `text[]` arrives as a JSON array, `point` as `{ lat, lng }` (or null). */
export type ColumnType =
  'text' | 'uuid' | 'bool' | 'int4' | 'float8' | 'timestamptz' | 'date' | 'time' | 'text[]' | 'point';

/** A field of a record and the column it is written to. */
export interface Field<R> {
  key: keyof R & string;
  column: string;
  type: ColumnType;
}

type Cell = string | number | boolean | Date | null | undefined | readonly string[] | { lat: number; lng: number };

/**
 * Rows per statement. Bounded so that no one statement holds the embedded engine (Node's main thread) for long: the
 * driver lets pending requests run between statements (see server/db/client.ts).
 */
const BATCH = 1_000;

/** Every value travels as text (one `text[]` per column) and is cast in SQL: the same on both engines. */
function asText(v: Cell): string | null {
  if (v == null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The SQL value of column `c` of the unnested row `v`. */
function valueOf(column: string, type: ColumnType): string {
  const v = `v."${column}"`;
  if (type === 'text') return v;
  if (type === 'text[]') return `array(select json_array_elements_text(${v}::json))`;
  if (type === 'point')
    return `ST_SetSRID(ST_MakePoint((${v}::json->>'lng')::float8, (${v}::json->>'lat')::float8), 4326)`;
  return `${v}::${type}`;
}

/** Rows grouped by which fields they state (not undefined), so that each group is one statement. */
function byShape<R extends object>(
  rows: readonly R[],
  fields: readonly Field<R>[],
): { fields: Field<R>[]; rows: R[] }[] {
  const groups = new Map<string, { fields: Field<R>[]; rows: R[] }>();
  for (const r of rows) {
    const stated = fields.filter((f) => r[f.key] !== undefined);
    const key = stated.map((f) => f.column).join(',');
    const group = groups.get(key) ?? { fields: stated, rows: [] };
    group.rows.push(r);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * The rows in slices of BATCH, each grouped by shape: the JavaScript work of one statement (grouping, converting values
 * to text) is bounded too, and done just before it, so the event loop gets its turn between statements.
 */
function* inSlices<R extends object>(
  rows: readonly R[],
  fields: readonly Field<R>[],
): Generator<{ fields: Field<R>[]; rows: R[] }> {
  for (let start = 0; start < rows.length; start += BATCH) yield* byShape(rows.slice(start, start + BATCH), fields);
}

/** Inserts rows; `constants` adds columns with a fixed SQL value; `onConflict` e.g. `on conflict do nothing`. */
export async function insertRows<R extends object>(
  db: Db,
  table: string,
  fields: readonly Field<R>[],
  rows: readonly R[],
  options: { constants?: Record<string, string>; onConflict?: string } = {},
): Promise<void> {
  for (const group of inSlices(rows, fields)) {
    const expressions: Record<string, string> = { ...options.constants };
    for (const f of group.fields) if (f.type !== 'text') expressions[f.column] = valueOf(f.column, f.type);
    await bulkInsert(db, {
      table,
      columns: group.fields.map((f) => ({ name: f.column, type: 'text' as const })),
      rows: group.rows.map((r) => group.fields.map((f) => asText(r[f.key] as Cell))),
      expressions,
      onConflict: options.onConflict,
      batchSize: BATCH,
    });
  }
}

/**
 * Updates rows by id. With `onlyChanged`, a row is touched (and `alsoSet`, e.g. a version bump, applied) only when a
 * stated value differs from the stored one.
 */
export async function updateRows<R extends { id: string }>(
  db: Db,
  table: string,
  fields: readonly Field<R>[],
  rows: readonly R[],
  options: { onlyChanged: boolean; alsoSet?: string },
): Promise<void> {
  for (const group of inSlices(rows, fields)) {
    if (!group.fields.length) continue;
    const columns = ['id', ...group.fields.map((f) => f.column)];
    const values = group.fields.map((f) => valueOf(f.column, f.type));
    const assignments = [...group.fields.map((f, i) => `"${f.column}" = ${values[i]}`)];
    if (options.alsoSet) assignments.push(options.alsoSet);
    const changed = options.onlyChanged
      ? ` and (${group.fields.map((f) => `t."${f.column}"`).join(', ')}) is distinct from (${values.join(', ')})`
      : '';
    for (let start = 0; start < group.rows.length; start += BATCH) {
      const chunk = group.rows.slice(start, start + BATCH);
      const arrays = sql.join(
        [
          sql`${sql.param(chunk.map((r) => r.id))}::text[]`,
          ...group.fields.map((f) => sql`${sql.param(chunk.map((r) => asText(r[f.key] as Cell)))}::text[]`),
        ],
        sql`, `,
      );
      await db.execute(
        sql`update ${sql.raw(table)} t set ${sql.raw(assignments.join(', '))}
            from unnest(${arrays}) as v(${sql.raw(columns.map((c) => `"${c}"`).join(', '))})
            where t.id = v.id::uuid${sql.raw(changed)}`,
      );
    }
  }
}

const ids = (list: readonly string[]) => sql`${sql.param(list)}::uuid[]`;

/** Child tables of a service that an import replaces as a whole. */
const CHILD_TABLES = [
  'schedules',
  'contacts',
  'cost_options',
  'service_languages',
  'service_areas',
  'funding',
  'service_taxonomy',
  'service_at_locations',
] as const;

/** Deletes every child row (schedules, contacts, costs, languages, areas, funding, taxonomy, location links) of these services. */
export async function deleteServiceChildren(db: Db, serviceIds: readonly string[]): Promise<void> {
  if (!serviceIds.length) return;
  for (const table of CHILD_TABLES)
    await db.execute(sql`delete from ${sql.identifier(table)} where service_id = any(${ids(serviceIds)})`);
}

/** Deletes the service-wide schedules (not tied to a location) of these services. */
export async function deleteServiceWideSchedules(db: Db, serviceIds: readonly string[]): Promise<void> {
  if (!serviceIds.length) return;
  await db.execute(
    sql`delete from schedules where service_id = any(${ids(serviceIds)}) and service_at_location_id is null`,
  );
}

/** Each service's current capacity as `status|places|waitDays|setAt epoch ms` (empty parts left out). */
export async function capacityKeys(db: Db, serviceIds: readonly string[]): Promise<Map<string, string>> {
  if (!serviceIds.length) return new Map();
  const rows = await query<{ id: string; key: string }>(
    db,
    sql`select id, concat_ws('|', capacity_status, capacity_places, capacity_wait_days,
               (extract(epoch from capacity_set_at) * 1000)::bigint) as key
        from services where id = any(${ids(serviceIds)})`,
  );
  return new Map(rows.map((r) => [r.id, r.key]));
}

/** A capacity history entry written by an import; its version is the service's current one. */
export interface ImportedCapacityEntry {
  serviceId: string;
  status: string;
  places: number | null;
  waitDays: number | null;
  recordedAt: Date;
}

/** Appends `set` entries (via import) to the capacity history, each at its service's current version. */
export async function insertCapacityEntries(db: Db, rows: readonly ImportedCapacityEntry[]): Promise<void> {
  await insertRows(
    db,
    'capacity_history',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'status', column: 'status', type: 'text' },
      { key: 'places', column: 'places', type: 'int4' },
      { key: 'waitDays', column: 'wait_days', type: 'int4' },
      { key: 'recordedAt', column: 'recorded_at', type: 'timestamptz' },
    ],
    rows,
    {
      constants: {
        kind: `'set'`,
        via: `'import'`,
        version: `(select version from services s where s.id = v."service_id"::uuid)`,
      },
    },
  );
}

/** Marks services seen in a feed read now (and no longer missing). */
export async function markSeen(db: Db, serviceIds: readonly string[], at: Date): Promise<void> {
  if (!serviceIds.length) return;
  await db.execute(
    sql`update services set last_seen_at = ${at}, missing_since = null where id = any(${ids(serviceIds)})`,
  );
}

/** Marks the services of a source whose source_ref is not in `presentRefs` missing since `at`; returns how many. */
export async function markMissing(db: Db, source: string, presentRefs: readonly string[], at: Date): Promise<number> {
  const gone = await query<{ id: string }>(
    db,
    sql`update services set missing_since = ${at} where source = ${source} and missing_since is null
          and source_ref <> all(${sql.param(presentRefs)}::text[]) returning id`,
  );
  return gone.length;
}
