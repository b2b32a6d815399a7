/**
 * ORUK 1.0 / HSDS 2 vintage feeds and honest places: a 1.0-shaped document (physical_addresses, nested locations,
 * regular and holiday schedules, eligibilitys, phones, service_taxonomys, an organisation given only by id) maps into
 * the directory; places in Wales, Scotland, Jersey and abroad are rejected naming where they are; coordinates that
 * disagree with the postcode are reported with the distance; two loopback feeds (1.0 and 3.0 shaped, paged, shallow
 * lists with detail endpoints) import, re-run without change, update a changed record and mark a vanished one missing.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import { importOrukFeed, importOrukServices } from '../../server/features/oruk';
import { buildAppOn } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import { seedGeography } from '../helpers/directory';

let database: Database;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedGeography(database.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-oruk-v1-'));
});
afterAll(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const one = async <T>(statement: ReturnType<typeof sql>) => (await query<T>(database.db, statement))[0];

/** An ORUK 1.0 service at one place (Manchester M13 9PL unless told). */
function v1Service(ref: string, place: { lat?: number; lng?: number; postcode?: string } = {}, extra = {}) {
  return {
    id: ref,
    name: `Vintage ${ref}`,
    description: '<p>Tea &amp; chat</p><ul><li>Mondays</li><li>Fridays</li></ul>',
    url: 'www.vintage.example.org',
    email: 'hello@vintage.example.org',
    status: 'active',
    organization_id: 'org-1',
    eligibilitys: [{ id: 'e1', eligibility: 'Adults' }, { eligibility: 'Carers' }],
    languages: [{ id: 'l1', language: 'Polish' }],
    phones: [{ id: 'p1', number: '01234 567890' }],
    service_taxonomys: [{ id: 'st1', taxonomy: { id: 't1', name: 'Carers', vocabulary: 'esd' } }],
    regular_schedules: [{ id: 'r1', weekday: 'Monday', opens_at: '10:00', closes_at: '12:00' }],
    holiday_schedules: [{ id: 'h1', closed: true, start_date: '2026-12-25', end_date: '2026-12-26' }],
    service_at_locations: [
      {
        id: `${ref}-sal`,
        location: {
          id: `${ref}-loc`,
          name: 'Hall',
          latitude: place.lat ?? 53.46,
          longitude: place.lng ?? -2.3,
          physical_addresses: [
            {
              id: 'a1',
              address_1: '1 Oxford Road',
              city: 'Manchester',
              postal_code: place.postcode ?? 'M13 9PL',
              country: 'GB',
            },
          ],
        },
      },
    ],
    pc_unknownVendorField: 'x',
    ...extra,
  };
}

describe('an ORUK 1.0 document', () => {
  it('when imported, then addresses, locations, schedules, languages, eligibility, phones, taxonomy and the organisation given by id are mapped', async () => {
    const r = await importOrukServices({
      db: database.db,
      source: 'v1.json',
      services: [v1Service('svc-a')],
      organizations: [{ id: 'org-1', name: 'Vintage Org', url: 'vintage.example.org' }],
    });
    expect([r.created, r.rejected]).toEqual([1, 0]);
    expect(r.unmappedFields).toEqual({ pc_unknownVendorField: 1 });
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'organization', reason: 'given only by id; resolved', after: 'Vintage Org' }),
        expect.objectContaining({
          field: 'url',
          before: 'www.vintage.example.org',
          after: 'https://www.vintage.example.org',
        }),
      ]),
    );
    const s = await one<Record<string, unknown>>(sql`select s.description, s.url, s.eligibility_description, s.source,
        o.name as org, o.website, o.source_ref as org_ref, l.source_ref as loc_ref, l.postcode, ST_Y(l.geom) as lat,
        (select string_agg(byday || ' ' || coalesce(opens_at::text, '-'), ';' order by byday nulls last) from schedules where service_id = s.id) as weekly,
        (select string_agg(description, ';') from schedules where service_id = s.id and byday is null) as holidays,
        (select string_agg(name, ',') from service_languages where service_id = s.id) as languages,
        (select string_agg(phone, ',') from contacts where service_id = s.id) as phones,
        (select string_agg(t.code, ',') from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id where st.service_id = s.id) as categories
      from services s join organizations o on o.id = s.organization_id
      join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
      where s.source_ref = 'svc-a'`);
    expect(s).toEqual({
      description: 'Tea & chat\n• Mondays\n• Fridays',
      url: 'https://www.vintage.example.org',
      eligibility_description: 'Adults; Carers',
      source: 'oruk:v1.json',
      org: 'Vintage Org',
      website: 'https://vintage.example.org',
      org_ref: 'org-1',
      loc_ref: 'svc-a-loc',
      postcode: 'M13 9PL',
      lat: 53.46,
      weekly: 'MO 10:00:00',
      holidays: 'Closed 2026-12-25 to 2026-12-26 (holiday)',
      languages: 'Polish',
      phones: '01234 567890',
      categories: 'carers',
    });
  });
});

describe('places', () => {
  it.each([
    ['Wales by coordinates', { lat: 51.4816, lng: -3.1791, postcode: 'ZZ1 1ZZ' }, 'is outside England: in Wales'],
    ['Wales by postcode', { lat: 0, lng: 0, postcode: 'CF10 1EP' }, 'is outside England: in Wales'],
    ['Scotland', { lat: 55.9533, lng: -3.1883, postcode: 'ZZ1 1ZZ' }, 'is outside England: in Scotland'],
    ['Northern Ireland', { lat: 54.597, lng: -5.93, postcode: 'BT1 5GS' }, 'is outside England: in Northern Ireland'],
    ['Jersey', { lat: 49.1858, lng: -2.1101, postcode: 'JE2 3QQ' }, 'is outside England: in Jersey'],
    ['the Isle of Man', { lat: 54.15, lng: -4.48, postcode: 'ZZ1 1ZZ' }, 'is outside England: in the Isle of Man'],
    ['Paris', { lat: 48.8566, lng: 2.3522, postcode: '75001' }, 'is outside England: outside the UK'],
    ['New York', { lat: 40.7128, lng: -74.006, postcode: '10007' }, 'is outside England: outside the UK'],
  ])('when a location is in %s, then the service is rejected naming where it is', async (_name, place, reason) => {
    const r = await importOrukServices({
      db: database.db,
      source: 'places.json',
      services: [v1Service(`place-${_name}`, place, { organization: { id: 'org-p', name: 'Places Org' } })],
      skipInvalid: true,
    });
    expect([r.created, r.rejected]).toEqual([0, 1]);
    expect(r.problems[0]).toMatchObject({ field: 'locations.0', reason: expect.stringContaining(reason) });
    expect(await one(sql`select count(*)::int as n from services where source_ref = ${`place-${_name}`}`)).toEqual({
      n: 0,
    });
  });

  it('when coordinates and postcode disagree by more than 1 km, then the coordinates are kept and the distance reported; --prefer-postcode places it by the postcode', async () => {
    const svc = v1Service('far', { lat: 53.46, lng: -2.05 }, { organization: { id: 'org-far', name: 'Far Org' } });
    const r = await importOrukServices({ db: database.db, source: 'far.json', services: [svc] });
    expect(r.created).toBe(1);
    const warning = r.warnings.find((w) => w.field === 'locations.0')!;
    expect(warning.reason).toMatch(
      /^coordinates 53\.46,-2\.05 are \d+\.\d km from postcode M13 9PL; placed by the coordinates$/,
    );
    const lng = () =>
      one<{ lng: number }>(
        sql`select round(ST_X(l.geom)::numeric, 2)::float8 as lng from locations l where source_ref = 'far-loc'`,
      );
    expect(await lng()).toEqual({ lng: -2.05 });
    const again = await importOrukServices({
      db: database.db,
      source: 'far.json',
      services: [svc],
      preferPostcode: true,
    });
    expect(again.updated).toBe(1);
    expect((await lng())!.lng).not.toBe(-2.05);
  });
});

/** A loopback ORUK API: shallow paged lists (1.0: `content`/`totalPages`-free, ids only; 3.0: standard envelope) and details. */
async function serveFeed(shape: '1.0' | '3.0', services: () => Record<string, unknown>[]) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('Content-Type', 'application/json');
    requests.push(url.pathname + url.search);
    const after = url.searchParams.get('modified_after');
    const all = services().filter(
      (s) => url.pathname !== '/api/services' || !after || String(s.last_modified ?? '') >= after,
    );
    if (url.pathname === '/api/services') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const per = 2;
      const contents = all.slice((page - 1) * per, page * per).map((s) => ({ id: s.id, name: s.name }));
      const totalPages = Math.max(1, Math.ceil(all.length / per));
      res.end(
        JSON.stringify(
          shape === '3.0'
            ? {
                total_items: all.length,
                total_pages: totalPages,
                page_number: page,
                size: contents.length,
                first_page: page === 1,
                last_page: page >= totalPages,
                empty: !contents.length,
                contents,
              }
            : {
                totalElements: all.length,
                totalPages,
                number: page,
                size: per,
                first: page === 1,
                last: page >= totalPages,
                content: contents,
              },
        ),
      );
      return;
    }
    const detail = /^\/api\/services\/([^/]+)$/.exec(url.pathname);
    const found = detail && all.find((s) => s.id === decodeURIComponent(detail[1]!));
    res.statusCode = found ? 200 : 404;
    res.end(JSON.stringify(found ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/services`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(['1.0', '3.0'] as const)('a live ORUK %s API', (shape) => {
  it('when imported twice, a record changed and one removed, then re-runs change nothing, the changed one updates and the vanished one is marked missing', async () => {
    let feed: Record<string, unknown>[] = [1, 2, 3].map((i) =>
      v1Service(`${shape}-live-${i}`, {}, { organization: { id: `${shape}-org`, name: `Live ${shape} Org` } }),
    );
    const api = await serveFeed(shape, () => feed);
    const run = () =>
      importOrukFeed({
        db: database.db,
        source: api.url,
        sourceName: `live-${shape}`,
        outboundAllow: ['127.0.0.1/32'],
      });
    try {
      const first = await run();
      expect([first.pages, first.created, first.rejected]).toEqual([2, 3, 0]);
      const again = await run();
      expect([again.created, again.updated, again.unchanged, again.missing]).toEqual([0, 0, 3, 0]);
      feed = [{ ...feed[0]!, name: 'Renamed' }, feed[1]!];
      const third = await run();
      expect([third.created, third.updated, third.unchanged, third.missing]).toEqual([0, 1, 1, 1]);
      const rows = await query<{ ref: string; name: string; missing: boolean }>(
        database.db,
        sql`select source_ref as ref, name, missing_since is not null as missing from services
            where source = ${`oruk:live-${shape}`} order by source_ref`,
      );
      expect(rows).toEqual([
        { ref: `${shape}-live-1`, name: 'Renamed', missing: false },
        { ref: `${shape}-live-2`, name: `Vintage ${shape}-live-2`, missing: false },
        { ref: `${shape}-live-3`, name: `Vintage ${shape}-live-3`, missing: true },
      ]);
      // Only what changed since a date, when the API supports modified_after: a partial read marks nothing missing.
      feed = [{ ...feed[0]!, name: 'Renamed again', last_modified: '2026-06-01T00:00:00Z' }, feed[1]!];
      const partial = await importOrukFeed({
        db: database.db,
        source: api.url,
        sourceName: `live-${shape}`,
        outboundAllow: ['127.0.0.1/32'],
        modifiedAfter: new Date('2026-01-01T00:00:00Z'),
      });
      expect([partial.records, partial.updated, partial.missing]).toEqual([1, 1, 0]);
      expect(api.requests).toContain('/api/services?full=true&modified_after=2026-01-01T00%3A00%3A00.000Z&page=1');
      expect(
        await one(
          sql`select count(*)::int as n from services where source = ${`oruk:live-${shape}`} and missing_since is null`,
        ),
      ).toEqual({ n: 2 });
    } finally {
      await api.close();
    }
  });
});

describe('services missing from their feed', () => {
  it('when a service has been missing for more than MISSING_HIDE_DAYS (30), then search hides it; before that it is still found', async () => {
    const app = buildAppOn(database, { RATE_LIMIT_API_PER_MINUTE: '0' });
    const services = ['kept', 'gone'].map((k) =>
      v1Service(`hide-${k}`, {}, { name: `Hide ${k}`, organization: { id: 'org-hide', name: 'Hide Org' } }),
    );
    await importOrukServices({ db: database.db, source: 'hide.json', services });
    const gone = await importOrukServices({ db: database.db, source: 'hide.json', services: [services[0]!] });
    expect(gone.missing).toBe(1);
    const found = async () => {
      const res = await request(app).get('/api/services/search').query({ postcode: 'M13 9PL', q: 'chat' });
      expect(res.status).toBe(200);
      return (res.body as { results: { name: string }[] }).results
        .map((r) => r.name)
        .filter((n) => n.startsWith('Hide'));
    };
    expect((await found()).sort()).toEqual(['Hide gone', 'Hide kept']);
    await database.db.execute(
      sql`update services set missing_since = now() - interval '31 days' where source_ref = 'hide-gone'`,
    );
    expect(await found()).toEqual(['Hide kept']);
    expect(await one(sql`select count(*)::int as n from services where source_ref = 'hide-gone'`)).toEqual({ n: 1 });
  });
});
