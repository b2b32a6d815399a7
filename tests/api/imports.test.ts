/** POST /api/admin/imports/services: the bulk CSV import over HTTP (admin only, all or nothing, dry run). */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { countRows, snapshotDirectory } from '../helpers/directory';
import {
  CLEAN_CSV,
  CLEAN_ROWS,
  MESSY_CSV,
  MESSY_GOOD,
  MESSY_PROBLEMS,
  MESSY_SKIPPED,
  TEST_MAP,
  insertFixturePostcodes,
} from '../helpers/imports';

const URL = '/api/admin/imports/services';
let t: TestApp;
let admin: AuthHeaders;

beforeAll(async () => {
  t = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
  await insertFixturePostcodes(t.database.db);
  admin = (await signedInAs(t.database.db, { role: 'admin' })).headers;
});
afterAll(() => t.close());

const post = (csv: string, q: Record<string, string>, headers?: AuthHeaders) => {
  const r = request(t.app).post(URL).query(q).set('Content-Type', 'text/csv');
  return (headers ? r.set(headers) : r).send(csv);
};

describe('POST /api/admin/imports/services', () => {
  it('when anonymous, then 401; when not an admin, then 403; nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    expect((await post(CLEAN_CSV, { map: TEST_MAP })).status).toBe(401);
    for (const role of ['vcse_editor', 'link_worker', 'icb_commissioner'] as const) {
      const { headers } = await signedInAs(t.database.db, { role });
      const res = await post(CLEAN_CSV, { map: TEST_MAP }, headers);
      expect([role, res.status]).toEqual([role, 403]);
    }
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when a dry run of a clean file, then the report says what would happen and nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    const res = await post(CLEAN_CSV, { map: TEST_MAP, dryRun: 'true' }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rows: 3,
      created: 3,
      updated: 0,
      skipped: 0,
      rejected: 0,
      written: false,
      dryRun: true,
    });
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when a messy file, then 422 lists every bad row by line and field and nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    const res = await post(MESSY_CSV, { map: TEST_MAP, file: 'messy.csv' }, admin);
    expect(res.status).toBe(422);
    expect(res.body.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual(MESSY_PROBLEMS);
    expect(res.body.skippedRows.map((p: { line: number }) => p.line)).toEqual(MESSY_SKIPPED);
    expect(res.body).toMatchObject({ file: 'messy.csv', rows: 8, created: 2, skipped: 1, rejected: 5, written: false });
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when a messy file with skipInvalid, then only the good rows are imported', async () => {
    const orgsBefore = await countRows(t.database.db, 'organizations');
    const res = await post(MESSY_CSV, { map: TEST_MAP, skipInvalid: 'true' }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, rejected: 5, skipped: 1, written: true });
    expect(await countRows(t.database.db, 'organizations')).toBe(orgsBefore + 2);
    const names = await query<{ name: string }>(
      t.database.db,
      sql`select name from organizations where source_ref like 'csv:%' and source_ref not like 'csv:a1' order by name`,
    );
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(MESSY_GOOD));
  });

  it('when a clean file is imported by an admin, then approved organisations with services, locations and taxonomy exist; re-posting updates', async () => {
    const first = await post(CLEAN_CSV, { map: TEST_MAP }, admin);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      created: 3,
      updated: 0,
      written: true,
      locatedBy: { postcode: 2, coordinates: 1 },
    });
    const rows = await query<{
      name: string;
      status: string;
      source: string;
      service: string;
      postcode: string;
      lat: number;
      codes: string[];
    }>(
      t.database.db,
      sql`select o.name, o.status, o.source, s.name as service, l.postcode, ST_Y(l.geom) as lat,
                 array(select tt.code from service_taxonomy st join taxonomy_terms tt on tt.id = st.taxonomy_term_id
                       where st.service_id = s.id order by tt.code) as codes
          from organizations o join services s on s.organization_id = o.id
          join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
          where o.source_ref in ('csv:A1', 'csv:B2', 'csv:C3') order by o.name`,
    );
    expect(rows.map((r) => [r.name, r.status, r.source, r.service, r.postcode, r.codes])).toEqual(
      CLEAN_ROWS.map((c) => [c.org, 'approved', 'import', c.service, c.postcode, [...c.taxonomy]]),
    );
    const again = await post(CLEAN_CSV, { map: TEST_MAP }, admin);
    expect(again.body).toMatchObject({ created: 0, updated: 3 });
    const [{ n } = { n: 0 }] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from organizations where source_ref in ('csv:A1', 'csv:B2', 'csv:C3')`,
    );
    expect(n).toBe(3);
  });

  it('when neither a preset nor a mapping is given, or the body is not CSV, then 400/415', async () => {
    expect((await post(CLEAN_CSV, {}, admin)).status).toBe(400);
    expect((await post(CLEAN_CSV, { preset: 'nope' }, admin)).status).toBe(400);
    const json = await request(t.app).post(URL).query({ map: TEST_MAP }).set(admin).send({ a: 1 });
    expect(json.status).toBe(415);
  });
});
