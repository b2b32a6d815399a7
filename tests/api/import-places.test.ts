/**
 * Honest places in spreadsheet imports: a row outside England (the union of the ICB boundaries) is rejected naming
 * where it is; when a row's coordinates are more than 1 km from its postcode, the coordinates are kept and the
 * disagreement reported (preferPostcode places it by the postcode instead).
 */
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import { importSpreadsheet } from '../../server/features/imports';
import { createTestDatabase } from '../helpers/db';
import { seedGeography } from '../helpers/directory';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedGeography(database.db);
});
afterAll(() => database.close());

const CSV = [
  'Name,Postcode,lat,lng',
  'Inside Club,M13 9PL,,',
  'Far Coordinates Group,M13 9PL,53.46,-2.05',
  'Cardiff Hub,CF10 1EP,51.4816,-3.1791',
  'Edinburgh Lunch Club,,55.9533,-3.1883',
].join('\n');

const run = (extra: { dryRun?: boolean; preferPostcode?: boolean } = {}) =>
  importSpreadsheet({
    db: database.db,
    file: CSV,
    contentType: 'text/csv',
    mapping: { Name: 'organization_name', Postcode: 'postcode', lat: 'lat', lng: 'lng' },
    defaults: { source: 'places-test', taxonomy: { codes: ['food'] } },
    skipInvalid: true,
    actor: { userId: null, role: 'admin' },
    fileName: 'places.csv',
    ...extra,
  });

const lngOf = async (name: string) =>
  (
    await query<{ lng: number }>(
      database.db,
      sql`select round(ST_X(l.geom)::numeric, 2)::float8 as lng from locations l
          join organizations o on o.id = l.organization_id where o.name = ${name}`,
    )
  )[0]?.lng;

describe('places in spreadsheet imports', () => {
  it('when rows are in Wales or Scotland, then they are rejected naming where; England rows import', async () => {
    const report = await run();
    expect(report).toMatchObject({ rows: 4, created: 2, rejected: 2, written: true });
    expect(report.problems).toEqual([
      {
        line: 4,
        field: 'postcode',
        column: 'Postcode',
        reason: 'is outside England: in Wales (CF10 1EP); only places in England are imported',
      },
      {
        line: 5,
        field: 'lat',
        column: 'lat',
        reason: 'is outside England: in Scotland (55.9533,-3.1883); only places in England are imported',
      },
    ]);
    const names = await query<{ name: string }>(
      database.db,
      sql`select name from organizations where source = 'import' and source_ref like 'places-test:%' order by name`,
    );
    expect(names.map((n) => n.name)).toEqual(['Far Coordinates Group', 'Inside Club']);
  });

  it('when coordinates and postcode disagree by more than 1 km, then the coordinates are kept and the distance reported', async () => {
    const report = await run();
    expect(report.warnings).toEqual([
      {
        line: 3,
        field: 'lat',
        reason: expect.stringMatching(
          /^coordinates 53\.46,-2\.05 are \d+\.\d km from postcode M13 9PL; placed by the coordinates$/,
        ),
      },
    ]);
    expect(await lngOf('Far Coordinates Group')).toBe(-2.05);
    const byPostcode = await run({ preferPostcode: true });
    expect(byPostcode.warnings[0]!.reason).toMatch(/placed by the postcode$/);
    expect(await lngOf('Far Coordinates Group')).toBe(-2.3);
  });
});
