/**
 * The spreadsheet import over HTTP: inspect (suggested mapping), preview (rows as stored, cell problems), CSV and XLSX
 * imports with spreadsheet row numbers, opening hours into schedules found by search's openOn, cost only when
 * stated, and saved mappings (GET/PUT/DELETE /api/admin/import-mappings).
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { parse } from 'csv-parse/sync';
import { PRESETS, XLSX_TYPE, namesDayOrTime } from '../../server/features/imports';
import { CSRF_HEADER } from '../../server/features/accounts';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { snapshotDirectory } from '../helpers/directory';
import { MESSY_CSV, TEST_MAP, insertFixturePostcodes, waitForJob, type JobJson } from '../helpers/imports';

const FOOD_BANKS = fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'vcse', 'gm_food_banks_2018.csv'));
let t: TestApp;
let admin: AuthHeaders;

beforeAll(async () => {
  t = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
  await insertFixturePostcodes(t.database.db);
  admin = (await signedInAs(t.database.db, { role: 'admin' })).headers;
});
afterAll(() => t.close());

const mapJson = (m: Record<string, string>) => JSON.stringify(m);
const testMapping = Object.fromEntries(TEST_MAP.split(',').map((p) => p.split('=') as [string, string]));

const postFile = (
  url: string,
  body: Buffer | string,
  q: Record<string, string>,
  type = 'text/csv',
  headers: AuthHeaders | Record<string, string> = admin,
) =>
  request(t.app)
    .post(url)
    .query(q)
    .set(headers as Record<string, string>)
    .set('Content-Type', type)
    .send(body);

/** Imports a file as a background job (202 + Location) and waits for it to finish; returns the finished job. */
async function importAndWait(body: Buffer | string, q: Record<string, string>, type = 'text/csv'): Promise<JobJson> {
  const res = await postFile('/api/admin/imports/services', body, q, type);
  expect(res.status).toBe(202);
  return waitForJob(t.app, admin, res.body.job.id);
}

async function xlsxOf(rows: (string | number | null)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Services');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('POST /api/admin/imports/inspect', () => {
  it('when the food banks file is inspected, then its header, row count and the suggested mapping come back', async () => {
    const res = await postFile('/api/admin/imports/inspect', FOOD_BANKS, { file: 'gm_food_banks_2018.csv' });
    expect(res.status).toBe(200);
    expect(res.body.rows).toBe(171);
    expect(res.body.header).toContain('Opening times');
    // The suggestion is the hand-made preset: "Opening times" → opening hours, lng/lat → coordinates, Contact → contact.
    expect(res.body.suggestedMapping).toEqual(PRESETS['gm-food-banks'].mapping);
    expect(res.body.matchingMappings).toContain('gm-food-banks');
  });

  it('when a contact column holds only emails, then it is suggested as email; an empty body is a 400 naming body', async () => {
    const res = await postFile('/api/admin/imports/inspect', 'Group,Contact\nA,a@example.org\nB,b@example.org\n', {});
    expect(res.body.suggestedMapping).toEqual({ Group: 'organization_name', Contact: 'email' });
    const empty = await postFile('/api/admin/imports/inspect', '', {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('body');
  });

  it('when an XLSX file is corrupt, then inspect is a 400 naming body and the import rejects the file (never 500)', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not really a workbook')]);
    const inspect = await postFile('/api/admin/imports/inspect', corrupt, {}, XLSX_TYPE);
    expect([inspect.status, inspect.body.errors?.[0]?.field]).toEqual([400, 'body']);
    const before = await snapshotDirectory(t.database.db);
    const job = await importAndWait(corrupt, { mapping: mapJson(testMapping) }, XLSX_TYPE);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^the file was refused: \(file\): not readable as XLSX/);
    expect(job.result.problems).toEqual([
      { line: 1, field: '(file)', reason: expect.stringMatching(/^not readable as XLSX/) },
    ]);
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it('when not an admin, then 403; when anonymous, then 401', async () => {
    const { headers } = await signedInAs(t.database.db, { role: 'link_worker' });
    expect((await postFile('/api/admin/imports/inspect', FOOD_BANKS, {}, 'text/csv', headers)).status).toBe(403);
    expect((await postFile('/api/admin/imports/inspect', FOOD_BANKS, {}, 'text/csv', {})).status).toBe(401);
  });
});

describe('POST /api/admin/imports/preview', () => {
  it('when previewed, then rows come as they would be stored (schedules parsed) and nothing is written', async () => {
    const before = await snapshotDirectory(t.database.db);
    const res = await postFile('/api/admin/imports/preview', FOOD_BANKS, {
      mapping: mapJson(PRESETS['gm-food-banks'].mapping),
      taxonomy: 'food',
      limit: '3',
    });
    expect(res.status).toBe(200);
    expect(res.body.rows).toBe(171);
    expect(res.body.preview).toHaveLength(3);
    const [first, second] = res.body.preview;
    expect(first).toMatchObject({
      line: 2,
      outcome: 'create',
      stored: {
        organizationName: 'BRASS Bolton',
        email: 'admin@brass-bolton.org.uk',
        taxonomy: ['food'],
        isFree: null,
        schedules: [{ freq: 'WEEKLY', byday: 'WE', opensAt: '10:00', closesAt: '16:00' }],
        openingTimesNote: null,
      },
    });
    expect(second.stored.schedules).toEqual([{ freq: 'WEEKLY', byday: 'WE', opensAt: '09:30', closesAt: '12:00' }]);
    expect(first.cells.find((c: { column: string }) => c.column === 'Opening times')).toEqual({
      column: 'Opening times',
      field: 'opening_times',
      value: 'Wednesday 10am - 4pm',
      problem: null,
    });
    expect(await snapshotDirectory(t.database.db)).toEqual(before);
  });

  it("when rows are bad, then each bad cell carries its problem and the row's outcome is reject", async () => {
    const res = await postFile('/api/admin/imports/preview', MESSY_CSV, { mapping: mapJson(testMapping) });
    expect(res.status).toBe(200);
    const row7 = res.body.preview.find((r: { line: number }) => r.line === 7);
    expect(row7.outcome).toBe('reject');
    expect(row7.cells.find((c: { column: string }) => c.column === 'Email').problem).toMatch(/email address/);
    const row5 = res.body.preview.find((r: { line: number }) => r.line === 5);
    expect(row5).toMatchObject({ outcome: 'skip', skippedBecause: expect.stringMatching(/duplicate of line 2/) });
  });

  it('when the mapping is wrong, then 400 naming the field (never 500)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ mapping: '{not json' }, 'mapping'],
      [{ mapping: mapJson({ Org: 'organisation' }) }, 'mapping.Org'],
      [{ mappingName: 'no-such-mapping' }, 'mappingName'],
      [{ mappingName: 'Bad Name!' }, 'mappingName'],
      [{}, 'mapping'],
      [{ mapping: mapJson(testMapping), limit: '1000' }, 'limit'],
      [{ mapping: mapJson(testMapping), taxonomy: 'Food Bank' }, 'taxonomy'],
    ];
    for (const [q, field] of cases) {
      const res = await postFile('/api/admin/imports/preview', MESSY_CSV, q);
      expect([q, res.status, res.body.errors?.[0]?.field]).toEqual([q, 400, field]);
    }
  });
});

describe('POST /api/admin/imports/services with spreadsheets', () => {
  it('when quoted cells hold CR, LF and CRLF line breaks, then later rejections name the right spreadsheet row', async () => {
    const csv = [
      'Org,Postcode,Email',
      '"Line\rbreak Trust",M13 9PL,',
      '"Two\nline\r\nbreaks Club",M1 1AA,',
      'Bad Mail Org,M1 1AA,not-an-email',
    ].join('\r\n');
    const res = await postFile('/api/admin/imports/services', csv, {
      mapping: mapJson({ Org: 'organization_name', Postcode: 'postcode', Email: 'email' }),
      dryRun: 'true',
    });
    expect(res.status).toBe(422);
    expect(res.body.rows).toBe(3);
    expect(res.body.problems).toEqual([
      { line: 4, field: 'email', column: 'Email', reason: 'must be an email address' },
    ]);
  });

  it('when an XLSX workbook is imported, then its rows land with schedules and rejections name the sheet row', async () => {
    const book = await xlsxOf([
      ['Organisation', 'Postcode', 'Opening hours', 'Cost', 'Phone'],
      ['Xlsx Walking Group', 'M13 9PL', 'Tuesdays 10:00–12:00', 'Free', null],
      ['Xlsx Art Club', 'SK4 1AA', 'Mo-Fr 09:00-17:00', '£2 per session', '0161 123 4567'],
      ['Xlsx No Place', null, 'Monday 1-3pm', null, null],
    ]);
    const dry = await postFile('/api/admin/imports/services', book, { mapping: '{}', dryRun: 'true' }, XLSX_TYPE);
    expect([dry.status, dry.body.errors[0].field]).toEqual([400, 'mapping']); // an empty mapping maps nothing
    const q = {
      mapping: mapJson({
        Organisation: 'organization_name',
        Postcode: 'postcode',
        'Opening hours': 'opening_times',
        Cost: 'cost',
        Phone: 'phone',
      }),
      skipInvalid: 'true',
      file: 'groups.xlsx',
    };
    const job = await importAndWait(book, q, XLSX_TYPE);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ file: 'groups.xlsx', rows: 3, created: 2, rejected: 1, written: true });
    expect(job.result.problems).toEqual([
      { line: 4, field: 'postcode', reason: 'is missing and there are no coordinates', column: 'Postcode' },
    ]);
    expect(job.result.openingHours).toEqual({ named: 2, parsed: 2, rate: 1 });
    const rows = await query<{
      name: string;
      byday: string;
      opens_at: string;
      closes_at: string;
      is_free: boolean;
      fees: string | null;
    }>(
      t.database.db,
      sql`select s.name, sc.byday, sc.opens_at::text, sc.closes_at::text, s.is_free, s.fees_description as fees
          from services s join schedules sc on sc.service_id = s.id
          where s.name like 'Xlsx %' order by s.name, sc.byday`,
    );
    expect(rows).toEqual([
      {
        name: 'Xlsx Art Club',
        byday: 'MO,TU,WE,TH,FR',
        opens_at: '09:00:00',
        closes_at: '17:00:00',
        is_free: false,
        fees: '£2 per session',
      },
      {
        name: 'Xlsx Walking Group',
        byday: 'TU',
        opens_at: '10:00:00',
        closes_at: '12:00:00',
        is_free: true,
        fees: 'Free',
      },
    ]);
  });

  it('when the food banks file is imported with the suggested mapping, then ≥ 85 % of its opening times become schedules found by openOn', async () => {
    const inspect = await postFile('/api/admin/imports/inspect', FOOD_BANKS, {});
    const job = await importAndWait(FOOD_BANKS, {
      mapping: mapJson(inspect.body.suggestedMapping),
      skipInvalid: 'true',
      file: 'gm_food_banks_2018.csv',
    });
    expect(job.status).toBe('succeeded');
    expect(job.result.written).toBe(true);
    expect(job.result.openingHours.rate).toBeGreaterThanOrEqual(0.85);
    // Of the written food banks whose opening times name a day or time, ≥ 85 % have schedules with days.
    const named = [
      ...new Set(
        (parse(FOOD_BANKS, { columns: true, bom: true }) as Record<string, string>[])
          .filter((r) => namesDayOrTime(r['Opening times']))
          .map((r) => r.Name!),
      ),
    ];
    const [counts] = await query<{ written: number; scheduled: number; notes: number }>(
      t.database.db,
      sql`select count(distinct o.id)::int as written,
                 count(distinct o.id) filter (where sc.byday is not null)::int as scheduled,
                 count(*) filter (where sc.byday is null and sc.description is not null)::int as notes
          from organizations o join services s on s.organization_id = o.id
          left join schedules sc on sc.service_id = s.id
          where o.source = 'import' and o.name = any(${sql.param(named)}::text[])`,
    );
    expect(counts!.written).toBeGreaterThan(100);
    expect(counts!.scheduled / counts!.written).toBeGreaterThanOrEqual(0.85);
    expect(counts!.notes).toBeGreaterThan(0); // originals the parser did not fully capture are kept
    // BRASS Bolton is open on Wednesdays 10am–4pm: found at 11:00 on a Wednesday, not on a Monday.
    const near = { lat: '53.560345', lng: '-2.418002', radiusKm: '0.5' };
    const wed = await request(t.app)
      .get('/api/services/search')
      .query({ ...near, openOn: 'WE@11:00' });
    expect(wed.status).toBe(200);
    const names = (r: request.Response) =>
      r.body.results.map((x: { organization: { name: string } }) => x.organization.name);
    expect(names(wed)).toContain('BRASS Bolton');
    const mon = await request(t.app)
      .get('/api/services/search')
      .query({ ...near, openOn: 'MO' });
    expect(names(mon)).not.toContain('BRASS Bolton');
    // Cost was not stated: the service is neither free nor charged (null), and its fees stay unset.
    const [brass] = await query<{ fees: string | null; is_free: boolean | null }>(
      t.database.db,
      sql`select s.fees_description as fees, s.is_free from services s join organizations o on o.id = s.organization_id where o.name = 'BRASS Bolton'`,
    );
    expect(brass).toEqual({ fees: null, is_free: null });
  });
});

describe('/api/admin/import-mappings', () => {
  it('when listed, then the four presets are there as built-in mappings', async () => {
    const res = await request(t.app).get('/api/admin/import-mappings').set(admin);
    expect(res.status).toBe(200);
    const builtIn = res.body.mappings
      .filter((m: { builtIn: boolean }) => m.builtIn)
      .map((m: { name: string }) => m.name);
    expect(builtIn.sort()).toEqual(Object.keys(PRESETS).sort());
    const food = res.body.mappings.find((m: { name: string }) => m.name === 'gm-food-banks');
    expect(food).toMatchObject({
      mapping: PRESETS['gm-food-banks'].mapping,
      defaults: PRESETS['gm-food-banks'].defaults,
    });
  });

  it('when a mapping is saved, reused, replaced and deleted, then the table follows; built-ins cannot change', async () => {
    const url = '/api/admin/import-mappings/test-groups';
    const put = (body: unknown, headers: Record<string, string> = admin) =>
      request(t.app)
        .put(url)
        .set(headers)
        .send(body as object);
    const created = await put({ mapping: testMapping, taxonomy: { codes: ['advice'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'test-groups', builtIn: false, defaults: { source: 'test-groups' } });
    const [row] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from import_mappings where name = 'test-groups' and built_in = false`,
    );
    expect(row!.n).toBe(1);
    // Reused by name: a preview with mappingName uses it.
    const preview = await postFile('/api/admin/imports/preview', MESSY_CSV, { mappingName: 'test-groups', limit: '1' });
    expect(preview.status).toBe(200);
    expect(preview.body.preview[0].stored.taxonomy).toEqual(['advice']);
    expect((await put({ mapping: { ...testMapping, About: 'ignore' } })).status).toBe(200);
    expect((await request(t.app).get(url).set(admin)).body.mapping.About).toBe('ignore');
    // Bad input: 400 naming the field.
    const bad = await put({ mapping: { Org: 'nope' } });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'mapping.Org']);
    const noName = await put({ mapping: { Postcode: 'postcode' } });
    expect([noName.status, noName.body.errors[0].field]).toEqual([400, 'mapping']);
    // CSRF: a write without the token is refused.
    const { [CSRF_HEADER]: _token, ...cookieOnly } = admin;
    expect((await put({ mapping: testMapping }, cookieOnly as Record<string, string>)).status).toBe(403);
    // Built-ins.
    const builtIn = await request(t.app)
      .put('/api/admin/import-mappings/gm-food-banks')
      .set(admin)
      .send({ mapping: testMapping });
    expect(builtIn.status).toBe(409);
    expect((await request(t.app).delete('/api/admin/import-mappings/gm-food-banks').set(admin)).status).toBe(409);
    // Delete.
    expect((await request(t.app).delete(url).set(admin)).status).toBe(204);
    expect((await request(t.app).get(url).set(admin)).status).toBe(404);
    expect((await request(t.app).delete(url).set(admin)).status).toBe(404);
  });
});
