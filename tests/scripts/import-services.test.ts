/**
 * `npm run import -- services …` (runServicesCommand) on a real migrated database of the current engine: clean,
 * messy, skip-invalid and dry runs, and the four bundled VCSE files with their presets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import { importServicesCsv, PRESETS, type PresetName } from '../../server/features/imports';
import { runServicesCommand } from '../../scripts/import';
import { countRows, snapshotDirectory } from '../helpers/directory';
import { createTestDatabase } from '../helpers/db';
import { CLEAN_CSV, MESSY_CSV, MESSY_PROBLEMS, TEST_MAP, insertFixturePostcodes } from '../helpers/imports';

let database: Database;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await insertFixturePostcodes(database.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-import-'));
});
afterAll(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the command; returns its exit code and output. */
async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runServicesCommand({ db: database.db, argv, out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function writeCsv(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('npm run import -- services', () => {
  it('when the messy file is imported, then exit 1, every bad row printed as FILE:LINE field: reason, and nothing written', async () => {
    const file = writeCsv('messy.csv', MESSY_CSV);
    const before = await snapshotDirectory(database.db);
    const { code, out } = await run([file, '--map', TEST_MAP]);
    expect(code).toBe(1);
    for (const [line, field] of MESSY_PROBLEMS) expect(out).toContain(`${file}:${line} ${field}: `);
    expect(out).toContain(`${file}:5 organization_name: duplicate of line 2`);
    expect(out).toContain('8 rows: 2 created, 0 updated, 1 skipped, 5 rejected');
    expect(await snapshotDirectory(database.db)).toEqual(before);
  });

  it('when the messy file is dry-run with --skip-invalid, then exit 0 and nothing written; without --dry-run only the good rows land', async () => {
    const file = writeCsv('messy2.csv', MESSY_CSV);
    const before = await snapshotDirectory(database.db);
    expect((await run([file, `--map=${TEST_MAP}`, '--skip-invalid', '--dry-run'])).code).toBe(0);
    expect(await snapshotDirectory(database.db)).toEqual(before);
    const orgs = await countRows(database.db, 'organizations');
    const { code, out } = await run([file, `--map=${TEST_MAP}`, '--skip-invalid']);
    expect(code).toBe(0);
    expect(out).toContain('2 created');
    expect(await countRows(database.db, 'organizations')).toBe(orgs + 2);
    expect(await countRows(database.db, 'services')).toBe(orgs + 2);
  });

  it('when a clean file is imported twice, then its organisations, services and locations exist once', async () => {
    const file = writeCsv('clean.csv', CLEAN_CSV);
    const orgs = await countRows(database.db, 'organizations');
    const first = await run([file, '--map', TEST_MAP]);
    expect([first.code, first.out]).toEqual([
      0,
      expect.stringContaining('3 rows: 3 created, 0 updated, 0 skipped, 0 rejected'),
    ]);
    const second = await run([file, '--map', TEST_MAP]);
    expect(second.out).toContain('3 rows: 0 created, 3 updated');
    expect(await countRows(database.db, 'organizations')).toBe(orgs + 3);
    const [row] = await query<{ services: number; locations: number; schedules: number; capacity: number }>(
      database.db,
      sql`select (select count(*)::int from services s join organizations o on o.id = s.organization_id where o.source_ref like 'csv:_%' and o.source_ref in ('csv:A1','csv:B2','csv:C3')) as services,
                 (select count(*)::int from locations l join organizations o on o.id = l.organization_id where o.source_ref in ('csv:A1','csv:B2','csv:C3')) as locations,
                 (select count(*)::int from schedules sc join services s on s.id = sc.service_id join organizations o on o.id = s.organization_id
                   where o.source_ref = 'csv:A1' and sc.byday = 'MO' and sc.opens_at = '10:00' and sc.description is null) as schedules,
                 (select count(*)::int from services where capacity_status is not null) as capacity`,
    );
    expect(row).toEqual({ services: 3, locations: 3, schedules: 1, capacity: 0 });
  });

  it('when the usage is wrong, then exit 2 with the usage', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['x.csv', '--preset', 'nope'])).code).toBe(2);
    expect((await run(['x.csv', '--map', 'a=not_a_field'])).code).toBe(2);
    expect((await run([path.join(dir, 'missing.csv'), '--preset', 'gm-food-banks'])).code).toBe(2);
  });

  it('when --mapping names a JSON file and the file is XLSX, then it imports with that mapping and prints the opening-hours rate', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Groups');
    sheet.addRow(['Group', 'Postcode', 'When']);
    sheet.addRow(['Cli Knit Club', 'M13 9PL', 'Thursdays 2-4pm']);
    sheet.addRow(['Cli Chess Club', 'M1 1AA', 'Not known']);
    sheet.addRow(['Cli Choir', 'SK4 1AA', '1st and 3rd Wednesday of the month 7-9pm']);
    const xlsx = path.join(dir, 'groups.xlsx');
    fs.writeFileSync(xlsx, Buffer.from(await book.xlsx.writeBuffer()));
    // A saved mapping as the API returns it.
    const mappingFile = path.join(dir, 'groups.json');
    fs.writeFileSync(
      mappingFile,
      JSON.stringify({
        name: 'groups',
        mapping: { Group: 'organization_name', Postcode: 'postcode', When: 'opening_times' },
        defaults: { source: 'groups', taxonomy: { codes: ['arts_and_culture'] } },
      }),
    );
    const { code, out } = await run([xlsx, '--mapping', mappingFile]);
    expect([code, out]).toEqual([0, expect.stringContaining('3 rows: 3 created')]);
    expect(out).toContain('Opening hours: 2 of 2 values that name a day or time became schedules (100 %)');
    const rows = await query<{ name: string; freq: string; byday: string; opens_at: string; source_ref: string }>(
      database.db,
      sql`select o.name, sc.freq, sc.byday, sc.opens_at::text, o.source_ref from organizations o
          join services s on s.organization_id = o.id join schedules sc on sc.service_id = s.id
          where o.name like 'Cli %' order by o.name`,
    );
    expect(rows).toEqual([
      {
        name: 'Cli Choir',
        freq: 'MONTHLY',
        byday: '1WE,3WE',
        opens_at: '19:00:00',
        source_ref: expect.stringMatching(/^groups:/),
      },
      {
        name: 'Cli Knit Club',
        freq: 'WEEKLY',
        byday: 'TH',
        opens_at: '14:00:00',
        source_ref: expect.stringMatching(/^groups:/),
      },
    ]);
    // A plain { column: field } file works too; a bad field is a usage error naming it.
    fs.writeFileSync(mappingFile, JSON.stringify({ Group: 'organization_name', Postcode: 'postcode' }));
    expect((await run([xlsx, '--mapping', mappingFile, '--dry-run'])).code).toBe(0);
    fs.writeFileSync(mappingFile, JSON.stringify({ Group: 'organisation' }));
    const bad = await run([xlsx, '--mapping', mappingFile]);
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining(`${mappingFile}: Group must be one of`)]);
  });

  const REAL: [string, PresetName, number][] = [
    ['trafford_charities_2023.csv', 'trafford-charities', 736],
    ['gm_food_banks_2018.csv', 'gm-food-banks', 171],
    ['trafford_mental_health_services_2018.csv', 'trafford-mental-health', 60],
    ['trafford_sports_clubs_2018.csv', 'trafford-sports-clubs', 137],
  ];
  it.each(REAL)(
    'when %s is dry-run with its preset, then a report whose counts add up, rows located by coordinates',
    async (file, preset, rows) => {
      const before = await countRows(database.db, 'organizations');
      const report = await importServicesCsv({
        db: database.db,
        csvText: fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'vcse', file), 'utf8'),
        ...PRESETS[preset],
        dryRun: true,
        actor: { userId: null, role: 'admin' },
        fileName: file,
      });
      expect(report.rows).toBe(rows);
      expect(report.created + report.updated + report.skipped + report.rejected).toBe(rows);
      expect(report.locatedBy.postcode + report.locatedBy.coordinates).toBe(
        report.created + report.updated + report.skipped,
      );
      // The fixture knows none of these postcodes, so almost every row is placed by its coordinates.
      expect(report.locatedBy.coordinates).toBeGreaterThan(rows * 0.9);
      expect(report.rejected).toBeLessThan(rows * 0.1);
      for (const p of report.problems)
        expect(p).toEqual({
          line: expect.any(Number),
          field: expect.any(String),
          reason: expect.any(String),
          ...(p.column ? { column: p.column } : {}),
        });
      expect(await countRows(database.db, 'organizations')).toBe(before);
    },
  );

  it('when a file is imported off a terminal, then it runs as a job (listed with the others) and logs progress every 10 %', async () => {
    const file = writeCsv(
      'job.csv',
      CLEAN_CSV.replace(/A1|B2|C3/g, (ref) => `JOB-${ref}`).replace(/^(Alpha|Beta|Gamma)/gm, 'Job $1'),
    );
    let err = '';
    const code = await runServicesCommand({
      db: database.db,
      argv: [file, '--map', TEST_MAP],
      out: () => undefined,
      err: (s) => (err += s),
      progress: 'log',
      engine: database.engine,
    });
    expect(code).toBe(0);
    const lines = err.trim().split('\n');
    expect(lines.every((l) => /^import: (100|[1-9]?0)% \(\w+ \d+\/\d+\)$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^import: 100% \(write 3\/3\)$/);
    const jobs = await query<{ kind: string; status: string; created_by: string | null; options: { file: string } }>(
      database.db,
      sql`select kind, status, created_by, options from jobs where options->>'file' = 'job.csv'`,
    );
    expect(jobs).toEqual([
      {
        kind: 'services-csv',
        status: 'succeeded',
        created_by: null,
        options: expect.objectContaining({ file: 'job.csv' }),
      },
    ]);
  });
});
