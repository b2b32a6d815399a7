/** The synthetic directory generator: deterministic for a seed, spread over the LSOAs, and re-runnable. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { query, type Database, type Db } from '../../server/db';
import { importReferenceData } from '../../server/features/areas';
import { generateSyntheticDirectory } from '../../scripts/seed-synthetic';
import { createTestDatabase } from '../helpers/db';
import { writeReferenceFixture } from '../helpers/referenceFixture';

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-synthetic-'));
  writeReferenceFixture(dataRoot);
  await importReferenceData({ db: database.db, dataRoot });
});
afterAll(() => database.close());

const fingerprint = async () =>
  query<{ id: string; name: string; capacity_status: string | null; lat: number }>(
    database.db,
    sql`select s.id, s.name, s.capacity_status, round(ST_Y(l.geom)::numeric, 6)::float8 as lat
        from services s join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
        where s.organization_id in (select id from organizations where source = 'synthetic') order by s.id`,
  );

describe('seed:synthetic', () => {
  it('when run twice with the same seed, then it produces the same directory (replacing, not adding)', async () => {
    await generateSyntheticDirectory(database.db, { services: 300, seed: 1, onProgress: () => undefined });
    const first = await fingerprint();
    await generateSyntheticDirectory(database.db, { services: 300, seed: 1, onProgress: () => undefined });
    const second = await fingerprint();
    expect(first).toHaveLength(300);
    expect(second).toEqual(first);
  });

  it('when run with another seed, then the directory differs', async () => {
    await generateSyntheticDirectory(database.db, { services: 300, seed: 1, onProgress: () => undefined });
    const one = await fingerprint();
    await generateSyntheticDirectory(database.db, { services: 300, seed: 2, onProgress: () => undefined });
    const two = await fingerprint();
    expect(two.map((r) => r.id)).not.toEqual(one.map((r) => r.id));
  });

  it('when generated, then every service has a location near an LSOA centre, a taxonomy term and an approved organisation', async () => {
    await generateSyntheticDirectory(database.db, { services: 300, seed: 3, onProgress: () => undefined });
    const [row] = await query<{ far: number; untagged: number; unapproved: number }>(
      database.db,
      sql`select
        (select count(*)::int from locations l where l.organization_id in (select id from organizations where source = 'synthetic')
           and not exists (select 1 from lsoas x where ST_DWithin(x.centroid::geography, l.geom::geography, 1000))) as far,
        (select count(*)::int from services s where s.organization_id in (select id from organizations where source = 'synthetic')
           and not exists (select 1 from service_taxonomy t where t.service_id = s.id)) as untagged,
        (select count(*)::int from organizations where source = 'synthetic' and status <> 'approved') as unapproved`,
    );
    expect(row).toEqual({ far: 0, untagged: 0, unapproved: 0 });
  });

  it('when seeded in one transaction as the script does (search triggers deferred), then service_search is complete', async () => {
    await database.db.transaction(async (tx) =>
      generateSyntheticDirectory(tx as unknown as Db, { services: 300, seed: 4, onProgress: () => undefined }),
    );
    const [row] = await query<{ indexed: number; missing: number; extra: number; deferred: string | null }>(
      database.db,
      sql`select
        (select count(distinct service_id)::int from service_search
           where organization_id in (select id from organizations where source = 'synthetic')) as indexed,
        (select count(*)::int from (select service_id, location_id, term_ids, area_codes, capacity_status from service_search_source
           except select service_id, location_id, term_ids, area_codes, capacity_status from service_search) x) as missing,
        (select count(*)::int from (select service_id, location_id, term_ids, area_codes, capacity_status from service_search
           except select service_id, location_id, term_ids, area_codes, capacity_status from service_search_source) x) as extra,
        nullif(current_setting('signpost.search_defer', true), '') as deferred`,
    );
    expect(row).toEqual({ indexed: 300, missing: 0, extra: 0, deferred: expect.not.stringMatching(/^on$/) });
  });
});
