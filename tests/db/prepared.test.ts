/**
 * queryPrepared: on PostgreSQL a named prepared statement per statement text (parsed once per connection); on PGlite
 * a plain query. Either way the rows are those of query for the same statement and values.
 */
import { sql } from 'drizzle-orm';
import { query, queryPrepared, type Database } from '../../server/db';
import { createTestDatabase, TEST_ENGINE } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const statement = (n: number) =>
  sql`select g as n, ${`{${n},${n + 1}}`}::int[] as arr, (g * ${n}::float8) as x from generate_series(1, 3) g`;

describe(`queryPrepared on ${TEST_ENGINE}`, () => {
  it('when run with different values, then it returns what query returns for each', async () => {
    for (const n of [2, 7, 2]) {
      expect(await queryPrepared(database.db, statement(n))).toEqual(await query(database.db, statement(n)));
    }
  });

  it('when run, then PostgreSQL holds it as a named statement of its text, and PGlite holds none', async () => {
    // The statement asks its own connection which statements it has prepared: on PostgreSQL, at least itself.
    const names = await queryPrepared<{ name: string }>(
      database.db,
      sql`select name from pg_prepared_statements where name like 'sp\\_%' and statement like '%pg_prepared_statements%'`,
    );
    if (TEST_ENGINE === 'postgres')
      expect(names.map((r) => r.name)).toEqual([expect.stringMatching(/^sp_[0-9a-f]{24}$/)]);
    else expect(names).toEqual([]);
  });
});
