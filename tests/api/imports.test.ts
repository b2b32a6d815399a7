/**
 * POST /api/admin/imports/services and /api/admin/imports/oruk: the bulk imports over HTTP as background jobs (admin
 * only, 202 and a job to poll, all or nothing), the synchronous dry run, and the jobs API (list, one, problems.csv).
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { countRows, snapshotDirectory } from '../helpers/directory';
import { movedToEngland } from '../helpers/oruk';
import {
  CLEAN_CSV,
  CLEAN_ROWS,
  MESSY_CSV,
  MESSY_GOOD,
  MESSY_PROBLEMS,
  MESSY_SKIPPED,
  TEST_MAP,
  importCsvAndWait,
  insertFixturePostcodes,
  waitForJob,
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

const countJobs = async () =>
  (await query<{ n: number }>(t.database.db, sql`select count(*)::int as n from jobs`))[0]!.n;

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

  it('when a messy dry run, then 422 lists every bad row at once', async () => {
    const res = await post(MESSY_CSV, { map: TEST_MAP, dryRun: 'true' }, admin);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ rows: 8, rejected: 5, written: false, dryRun: true });
  });

  it('when a messy file, then the job fails listing every bad row by line and field, its problems download as CSV, and nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    const job = await importCsvAndWait(t.app, admin, MESSY_CSV, { map: TEST_MAP, file: 'messy.csv' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^5 rows rejected; nothing was written/);
    expect(job.result.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual(MESSY_PROBLEMS);
    expect(job.result.skippedRows.map((p: { line: number }) => p.line)).toEqual(MESSY_SKIPPED);
    expect(job.result).toMatchObject({
      file: 'messy.csv',
      rows: 8,
      created: 2,
      skipped: 1,
      rejected: 5,
      written: false,
    });
    expect(job.summary).toMatchObject({ rows: 8, rejected: 5, skipped: 1 });
    expect(await snapshotDirectory(t.database.db)).toEqual(before);

    const csv = await request(t.app).get(`/api/admin/jobs/${job.id}/problems.csv`).set(admin);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('type,row,column,field,reason');
    expect(lines).toContain('rejected,3,Postcode,postcode,is missing and there are no coordinates');
    expect(lines.filter((l) => l.startsWith('rejected,')).length).toBe(MESSY_PROBLEMS.length);
    expect(lines.filter((l) => l.startsWith('skipped,')).map((l) => l.split(',')[1])).toEqual(['5']);
  });

  it('when a messy file with skipInvalid, then only the good rows are imported', async () => {
    const orgsBefore = await countRows(t.database.db, 'organizations');
    const job = await importCsvAndWait(t.app, admin, MESSY_CSV, { map: TEST_MAP, skipInvalid: 'true' });
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ created: 2, rejected: 5, skipped: 1, written: true });
    expect(await countRows(t.database.db, 'organizations')).toBe(orgsBefore + 2);
    const names = await query<{ name: string }>(
      t.database.db,
      sql`select name from organizations where source_ref like 'csv:%' and source_ref not like 'csv:a1' order by name`,
    );
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(MESSY_GOOD));
  });

  it('when a clean file is imported by an admin, then 202 and a job that ends with approved organisations with services, locations and taxonomy; re-posting updates', async () => {
    const accepted = await post(CLEAN_CSV, { map: TEST_MAP, file: 'clean.csv' }, admin);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/api/admin/jobs/${accepted.body.job.id}`);
    expect(accepted.body.job).toMatchObject({ kind: 'services-csv', status: 'queued', file: 'clean.csv' });
    const first = await waitForJob(t.app, admin, accepted.body.job.id);
    expect(first).toMatchObject({ status: 'succeeded', error: null, progress: { percent: 100 } });
    expect(first.result).toMatchObject({
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
    const again = await importCsvAndWait(t.app, admin, CLEAN_CSV, { map: TEST_MAP });
    expect(again.result).toMatchObject({ created: 0, updated: 3 });
    const [job] = await query<{
      status: string;
      input: unknown;
      created_by: string;
      worker_id: string;
      attempts: number;
    }>(t.database.db, sql`select status, input, created_by, worker_id, attempts from jobs where id = ${first.id}`);
    expect(job).toMatchObject({ status: 'succeeded', input: null, attempts: 1 });
    expect(job!.worker_id).toEqual(expect.any(String));
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
    expect((await post('  \n', { map: TEST_MAP }, admin)).status).toBe(400);
  });

  it('when an admin posts without the CSRF token, then 403 and no job is queued', async () => {
    const jobsBefore = await countJobs();
    const res = await request(t.app)
      .post(URL)
      .query({ map: TEST_MAP })
      .set('Cookie', admin.Cookie)
      .set('Content-Type', 'text/csv')
      .send(CLEAN_CSV);
    expect(res.status).toBe(403);
    expect(await countJobs()).toBe(jobsBefore);
  });
});

const EXAMPLES = path.resolve(__dirname, '..', '..', 'data', 'standards', 'oruk-3.0', 'examples');
const EXAMPLE_SERVICE = 'ac148810-d857-441c-9679-408f346de14b';

describe('POST /api/admin/imports/oruk', () => {
  const postOruk = (body: string, headers?: AuthHeaders, type = 'application/json') => {
    const r = request(t.app).post('/api/admin/imports/oruk').set('Content-Type', type);
    return (headers ? r.set(headers) : r).send(body);
  };
  const example = () =>
    JSON.stringify(movedToEngland(JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'service_full.json'), 'utf8'))));

  it('when anonymous or not an admin, then 401/403 and no job', async () => {
    const jobsBefore = await countJobs();
    expect((await postOruk(example())).status).toBe(401);
    const { headers } = await signedInAs(t.database.db, { role: 'vcse_editor' });
    expect((await postOruk(example(), headers)).status).toBe(403);
    expect(await countJobs()).toBe(jobsBefore);
  });

  it('when the body is not JSON, not an ORUK document or not application/json, then 400/415 and no job', async () => {
    const jobsBefore = await countJobs();
    const bad = await postOruk('{"contents": [', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({
      field: 'body',
      message: expect.stringMatching(/^not readable as JSON/),
    });
    expect((await postOruk('{"hello": 1}', admin)).status).toBe(400);
    expect((await postOruk('{"contents": []}', admin)).status).toBe(400);
    expect((await postOruk(example(), admin, 'text/plain')).status).toBe(415);
    expect(await countJobs()).toBe(jobsBefore);
  });

  it('when an admin posts a service document larger than the API JSON limit, then a job imports it', async () => {
    const doc = JSON.parse(example()) as Record<string, unknown>;
    const padded = JSON.stringify(doc, null, 2) + ' '.repeat(150_000);
    expect(padded.length).toBeGreaterThan(100 * 1024);
    const res = await postOruk(padded, admin);
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({ kind: 'oruk-file', status: 'queued' });
    const job = await waitForJob(t.app, admin, res.body.job.id);
    expect(job).toMatchObject({ status: 'succeeded', summary: { rows: 1, created: 1, rejected: 0 } });
    // Signpost's own id; the feed's id is kept as the service's source_ref.
    const [row] = await query<{ own: boolean }>(
      t.database.db,
      sql`select id <> ${EXAMPLE_SERVICE} as own from services where source_ref = ${EXAMPLE_SERVICE}`,
    );
    expect(row).toEqual({ own: true });
  });
});

describe('GET /api/admin/jobs', () => {
  it('when an admin lists jobs, then the latest come first with their counts and no lists; others are refused', async () => {
    const first = await importCsvAndWait(t.app, admin, MESSY_CSV, { map: TEST_MAP, file: 'older.csv' });
    const second = await importCsvAndWait(t.app, admin, MESSY_CSV, { map: TEST_MAP, file: 'newer.csv' });
    const res = await request(t.app).get('/api/admin/jobs').set(admin);
    expect(res.status).toBe(200);
    const ids = res.body.jobs.map((j: { id: string }) => j.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    const listed = res.body.jobs.find((j: { id: string }) => j.id === second.id);
    expect(listed).toMatchObject({
      file: 'newer.csv',
      status: 'failed',
      summary: { rows: 8, rejected: 5, skipped: 1 },
    });
    expect(listed.result).toBeUndefined();
    expect((await request(t.app).get('/api/admin/jobs').query({ limit: 1 }).set(admin)).body.jobs).toHaveLength(1);
    expect((await request(t.app).get('/api/admin/jobs').query({ limit: 'x' }).set(admin)).status).toBe(400);

    expect((await request(t.app).get('/api/admin/jobs')).status).toBe(401);
    const { headers } = await signedInAs(t.database.db, { role: 'link_worker' });
    expect((await request(t.app).get('/api/admin/jobs').set(headers)).status).toBe(403);
    expect((await request(t.app).get(`/api/admin/jobs/${first.id}`).set(headers)).status).toBe(403);
    expect((await request(t.app).get(`/api/admin/jobs/${first.id}/problems.csv`).set(headers)).status).toBe(403);
  });

  it('when the job id is unknown or not a UUID, then 404/400', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await request(t.app).get(`/api/admin/jobs/${unknown}`).set(admin)).status).toBe(404);
    expect((await request(t.app).get(`/api/admin/jobs/${unknown}/problems.csv`).set(admin)).status).toBe(404);
    expect((await request(t.app).get('/api/admin/jobs/nope').set(admin)).status).toBe(400);
  });
});
