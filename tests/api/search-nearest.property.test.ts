/**
 * The search's nearest-neighbour pass (domain.ts nearestPass), differentially: over random services (capacity
 * statuses, fresh and stale confirmations, some with two locations), centres, radii, sorts, page sizes, cursors and
 * scan sizes, whenever the pass claims a page it must be exactly the page of the full pass (same services, order and
 * keys). The pass must also claim pages often enough for the test to mean something.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createOrganization } from '../helpers/directory';
import { query, type Db } from '../../server/db';
import { nearestPass } from '../../server/features/search/domain';
import { searchPage, type FilterParams, type SearchHitRow } from '../../server/features/search/repository';

let t: TestApp;
let db: Db;
let orgId: string;

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  orgId = (await createOrganization(db, { name: 'Nearest Trust' })).id;
});
afterAll(() => t.close());

const STATUSES = [null, 'accepting', 'limited', 'waitlist', 'not_accepting'] as const;
const NOW = new Date('2026-06-01T12:00:00Z');
const STALE_DAYS = 14;

interface Place {
  lat: number;
  lng: number;
  status: (typeof STATUSES)[number];
  /** days since confirmed; null = never */
  age: number | null;
  second: boolean;
}

/** Replaces every service with the given ones (one location each, a second one 300 m north for `second`). */
async function placeAll(places: Place[]): Promise<void> {
  await db.execute(sql`delete from services`);
  await db.execute(sql`delete from locations`);
  if (!places.length) return;
  const col = (f: (p: Place) => unknown) => `{${places.map((p) => (f(p) == null ? 'NULL' : String(f(p)))).join(',')}}`;
  await db.execute(
    sql`with p as (select * from unnest(${col((p) => p.lat)}::float8[], ${col((p) => p.lng)}::float8[],
                                        ${col((p) => p.status)}::text[], ${col((p) => p.age)}::float8[],
                                        ${col((p) => p.second)}::boolean[])
                    with ordinality as p(lat, lng, status, age, second, i)),
         s as (insert into services (organization_id, name, capacity_status, capacity_confirmed_at)
               select ${orgId}::uuid, 'Place ' || i, status,
                      case when status is null or age is null then null
                           else ${NOW.toISOString()}::timestamptz - make_interval(days => age::int) end
               from p order by i returning id, name),
         l as (insert into locations (organization_id, name, geom)
               select ${orgId}::uuid, 'Place ' || i, ST_SetSRID(ST_MakePoint(lng, lat), 4326) from p
               union all
               select ${orgId}::uuid, 'Place ' || i, ST_SetSRID(ST_MakePoint(lng, lat + 0.0027), 4326) from p where second
               returning id, name)
     insert into service_at_locations (service_id, location_id) select s.id, l.id from s join l on l.name = s.name`,
  );
}

const placeArb = (spreadDeg: number) =>
  fc.record({
    // Spread evenly (fast-check's doubles favour 0 and the bounds, which would pile services on the centre).
    dLat: fc.integer({ min: -1000, max: 1000 }).map((i) => (i / 1000) * spreadDeg),
    dLng: fc.integer({ min: -1000, max: 1000 }).map((i) => (i / 1000) * spreadDeg * 1.6),
    status: fc.constantFrom(...STATUSES),
    age: fc.option(fc.integer({ min: 0, max: 40 })),
    second: fc.boolean(),
  });

const caseArb = fc.record({
  lat: fc.double({ min: 50, max: 55.5, noNaN: true }),
  lng: fc.double({ min: -5.5, max: 1.7, noNaN: true }),
  radiusKm: fc.double({ min: 2, max: 25, noNaN: true }),
  places: fc.array(placeArb(0.12), { minLength: 40, maxLength: 100 }),
  sort: fc.constantFrom('relevance' as const, 'distance' as const),
  limit: fc.integer({ min: 1, max: 8 }),
  knn: fc.integer({ min: 2, max: 40 }),
  accepting: fc.boolean(),
  secondPage: fc.boolean(),
});

const filters = (accepting: boolean): FilterParams => ({
  termIds: [],
  q: null,
  age: null,
  language: null,
  modes: [],
  free: null,
  openOn: null,
  statuses: accepting ? ['accepting', 'limited'] : null,
  confirmedSince: null,
});

const shape = (rows: SearchHitRow[]) => rows.map((r) => ({ id: r.service_id, location: r.location_id, k: r.k }));

describe('search nearest-neighbour pass (property)', () => {
  it('when the pass answers, then its page is exactly the full pass page', async () => {
    let answered = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        runs++;
        await placeAll(c.places.map((p) => ({ ...p, lat: c.lat + p.dLat, lng: c.lng + p.dLng })));
        // Centres rounded to 1e-9 degrees, as the domain rounds them before any SQL.
        const lat = Math.round(c.lat * 1e9) / 1e9;
        const lng = Math.round(c.lng * 1e9) / 1e9;
        const args = {
          where: { kind: 'centre' as const, lat, lng, radiusKm: c.radiusKm, areaKeys: null },
          filters: filters(c.accepting),
          sort: c.sort,
          now: NOW,
          staleDays: STALE_DAYS,
          after: null as { k: number; id: string } | null,
          limit: c.limit + 1,
          pressure: () => sql`false`,
        };
        if (c.secondPage) {
          const first = await searchPage(db, args);
          const last = first[c.limit - 1];
          if (first.length > c.limit && last) args.after = { k: last.k, id: last.service_id };
        }
        const fast = await nearestPass(db, args, c.knn);
        const full = await searchPage(db, args);
        if (fast) {
          answered++;
          expect(shape(fast)).toEqual(shape(full));
        }
      }),
      { numRuns: 100, seed: 20261125 },
    );
    // The property means something only if the pass answered in a good share of the runs.
    expect(answered).toBeGreaterThanOrEqual(runs / 8);
  });

  it('when the scan stops short of the page, then the pass declines and the full pass answers', async () => {
    // 30 accepting services 0–3 km north of the centre; a scan of 5 rows cannot vouch for a page of 10.
    const centre = { lat: 52, lng: -1 };
    await placeAll(
      Array.from({ length: 30 }, (_, i) => ({
        lat: centre.lat + (i + 1) * 0.0009,
        lng: centre.lng,
        status: 'accepting' as const,
        age: 1,
        second: false,
      })),
    );
    const args = {
      where: { kind: 'centre' as const, ...centre, radiusKm: 5, areaKeys: null },
      filters: filters(false),
      sort: 'distance' as const,
      now: NOW,
      staleDays: STALE_DAYS,
      after: null,
      limit: 11,
      pressure: () => sql`false`,
    };
    expect(await nearestPass(db, args, 5)).toBeUndefined();
    const page = await nearestPass(db, args, 20);
    expect(page).toBeDefined();
    expect(shape(page!)).toEqual(shape(await searchPage(db, args)));
    const [row] = await query<{ n: number }>(db, sql`select count(*)::int as n from service_search`);
    expect(row?.n).toBe(30);
  });
});
