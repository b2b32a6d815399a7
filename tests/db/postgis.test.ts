import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import { createTestDatabase, TEST_ENGINE } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe(`database on ${TEST_ENGINE}`, () => {
  it('when migrated, then PostGIS 3.3+ is available', async () => {
    const [row] = await query<{ v: string }>(database.db, sql`select postgis_lib_version() as v`);
    const [major, minor] = row!.v.split('.').map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(303);
  });

  it('when computing a geodesic distance, then it matches the known value', async () => {
    // Manchester Piccadilly to Manchester Oxford Road stations, ~0.9 km apart.
    const [row] = await query<{ m: number }>(
      database.db,
      sql`select ST_Distance(ST_MakePoint(-2.2309, 53.4774)::geography, ST_MakePoint(-2.2420, 53.4740)::geography) as m`,
    );
    expect(row!.m).toBeGreaterThan(700);
    expect(row!.m).toBeLessThan(900);
  });

  it('when migrated, then the reference tables exist with spatial indexes', async () => {
    const rows = await query<{ indexname: string }>(
      database.db,
      sql`select indexname from pg_indexes where schemaname = 'public' and indexdef ilike '%using gist%' order by 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['icbs_geom_gix', 'lsoas_geom_gix', 'pcns_geom_gix', 'practices_location_gix']),
    );
  });

  it('when migrate runs again, then nothing changes (idempotent)', async () => {
    const before = await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    await database.migrate();
    const after = await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(after).toEqual(before);
  });
});
