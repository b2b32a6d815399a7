/**
 * bulkCopy, the bulk append of the reference import: COPY from a CSV blob on the embedded engine, unnest batches on
 * PostgreSQL. Whatever the engine, the rows read back are exactly the rows given: text that needs CSV quoting, empty
 * strings apart from nulls, floats to the last bit, integers and booleans, across several statements.
 */
import { sql } from 'drizzle-orm';
import { bulkCopy, query, type Database } from '../../server/db';
import { csvField } from '../../server/db/bulk';
import { createTestDatabase } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(
    sql`create table bulk_copy_test (id int4 primary key, label text, value float8, flag bool, note text not null)`,
  );
});
afterAll(() => database.close());

const columns = [
  { name: 'id', type: 'int4' },
  { name: 'label', type: 'text' },
  { name: 'value', type: 'float8' },
  { name: 'flag', type: 'bool' },
  { name: 'note', type: 'text' },
] as const;

const ROWS: [number, string | null, number | null, boolean | null, string][] = [
  [1, 'plain', 0.1 + 0.2, true, 'x'],
  [2, 'a,b', 1e-300, false, 'comma'],
  [3, 'say "hi"', -1.5e-7, null, 'quotes'],
  [4, 'two\nlines', 5e300, true, 'newline'],
  [5, 'carriage\rreturn', -123456.789012345, false, 'cr'],
  [6, '', 53.46, true, 'empty string'],
  [7, null, null, null, 'nulls'],
  [8, '\\.', Number.MAX_VALUE, true, 'end-of-data marker'],
  [9, 'back\\slash \\N', Number.MIN_VALUE, false, 'backslashes'],
  [10, ' Ünïcødé ✓ ', -2.2331, true, ' spaces kept '],
  [11, 'NULL', 1 / 3, false, '""'],
];

async function readBack() {
  return query<{ id: number; label: string | null; value: number | null; flag: boolean | null; note: string }>(
    database.db,
    sql`select id, label, value, flag, note from bulk_copy_test order by id`,
  );
}

beforeEach(() => database.db.execute(sql`delete from bulk_copy_test`));

describe('bulkCopy', () => {
  it('when rows are written in several statements, then they read back unchanged and progress counts every row', async () => {
    const progress: number[] = [];
    const written = await bulkCopy(database.db, {
      table: 'bulk_copy_test',
      columns: [...columns],
      rows: ROWS,
      batchSize: 4,
      onBatch: (n) => progress.push(n),
    });
    expect(written).toBe(ROWS.length);
    expect(progress).toEqual([4, 8, 11]);
    const rows = await readBack();
    expect(rows.map((r) => [r.id, r.label, r.value, r.flag, r.note])).toEqual(ROWS);
  });

  it('when rows come as batches made on demand inside a transaction, then they are all written', async () => {
    async function* batches() {
      yield ROWS.slice(0, 5);
      yield [];
      yield ROWS.slice(5);
    }
    await database.db.transaction((tx) =>
      bulkCopy(tx as unknown as typeof database.db, {
        table: 'bulk_copy_test',
        columns: [...columns],
        rows: batches(),
      }),
    );
    expect((await readBack()).map((r) => r.id)).toEqual(ROWS.map((r) => r[0]));
  });

  it('when a row breaks a constraint, then the write fails and the transaction leaves nothing', async () => {
    const bad = [...ROWS.slice(0, 3), [99, 'no note', 1, true, null]];
    await expect(
      database.db.transaction((tx) =>
        bulkCopy(tx as unknown as typeof database.db, {
          table: 'bulk_copy_test',
          columns: [...columns],
          rows: bad,
          batchSize: 2,
        }),
      ),
    ).rejects.toThrow();
    expect(await readBack()).toEqual([]);
  });
});

describe('csvField', () => {
  it('when given values, then it writes PostgreSQL CSV fields: null unquoted empty, empty string quoted, quotes doubled', () => {
    // -0 is written as 0, as both drivers write it in the unnest path's array parameters.
    expect([null, undefined, '', 'a', 'a"b', 'a,b', '\\.', 1.5, -0, true, false].map(csvField)).toEqual([
      '',
      '',
      '""',
      'a',
      '"a""b"',
      '"a,b"',
      '"\\."',
      '1.5',
      '0',
      't',
      'f',
    ]);
  });
});
