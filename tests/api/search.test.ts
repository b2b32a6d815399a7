/** GET /api/services/search: where, filters, capacity and freshness ranking, remote services, pagination, visibility. */
import request from 'supertest';
import { importCsvAndWait } from '../helpers/imports';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { ICB_A, ICB_B, POSTCODES, seedGeography } from '../helpers/directory';
import { query, type Db } from '../../server/db';
import { haversineKm } from '../../shared/geo/distance';
import type { SearchResponseDto, SearchResultDto } from '../../shared/schemas/search';
import { offset, placeService } from './support/search';

let t: TestApp;
let db: Db;
const A = POSTCODES.inA; // M13 9PL, ICB A, PCN U10001

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  await seedGeography(db);
});
afterAll(() => t.close());

/** Removes every organisation (and so every service) between tests. */
beforeEach(async () => {
  await db.execute(sql`delete from organizations`);
});

const search = async (q: Record<string, string | string[]>, status = 200): Promise<SearchResponseDto> => {
  const res = await request(t.app).get('/api/services/search').query(q);
  expect([res.status, res.body?.errors]).toEqual([status, status === 200 ? undefined : res.body?.errors]);
  return res.body as SearchResponseDto;
};
const names = (r: { results: SearchResultDto[] }) => r.results.map((x) => x.name);

describe('where', () => {
  it('when searching by postcode in any case and spacing, then services within the radius come with their distance', async () => {
    await placeService(db, { name: 'Near', at: offset(A, 1, 0) });
    await placeService(db, { name: 'Middle', at: offset(A, 4, 90) });
    await placeService(db, { name: 'Far', at: offset(A, 8, 0) });

    const res = await search({ postcode: 'm139pl', sort: 'distance' });

    expect(res.centre).toEqual({ lat: A.lat, lng: A.lng, label: 'M13 9PL' });
    expect(res.radiusKm).toBe(5);
    expect(names(res)).toEqual(['Near', 'Middle']);
    expect(res.results[0]!.distanceKm).toBeCloseTo(1, 2);
    expect(res.results[1]!.distanceKm).toBeCloseTo(4, 2);
    expect(res.results[0]!.matched).toContainEqual({ kind: 'distance', text: '1.0 km away' });
    expect(res.results[0]!.location).toMatchObject({ name: 'Hall', postcode: 'M13 9PL' });
    expect(names(await search({ postcode: 'M13 9PL', radiusKm: '10', sort: 'distance' }))).toEqual([
      'Near',
      'Middle',
      'Far',
    ]);
  });

  it('when searching by lat+lng, then distances are great-circle kilometres from that point', async () => {
    const at = offset(A, 2.5, 45);
    await placeService(db, { name: 'Diagonal', at });
    const res = await search({ lat: String(A.lat), lng: String(A.lng) });
    expect(res.results[0]!.distanceKm).toBeCloseTo(haversineKm(A.lat, A.lng, at.lat, at.lng), 3);
    expect(res.centre?.label).toMatch(/^53\.4600, -2\.3000$/);
  });

  it('when searching by PCN, then services in or near its catchment are found and others are not', async () => {
    await placeService(db, { name: 'Inside A', at: { lat: 53.47, lng: -2.35 } });
    await placeService(db, { name: 'Just outside A', at: { lat: 53.49, lng: -2.3 } }); // ~1.1 km north of the edge
    await placeService(db, { name: 'In B', at: { lat: 53.46, lng: -2.1 } });
    const res = await search({ pcn: 'u10001' });
    expect(names(res).sort()).toEqual(['Inside A', 'Just outside A']);
    expect(res.radiusKm).toBe(2);
    expect(res.results[0]!.matched[0]!.kind).toBe('area');
    expect(names(await search({ pcn: 'U10001', radiusKm: '0.5' }))).toEqual(['Inside A']);
  });

  it('when searching by bbox, then services in the box are found without a distance', async () => {
    await placeService(db, { name: 'In box', at: { lat: 53.46, lng: -2.3 } });
    await placeService(db, { name: 'Out of box', at: { lat: 53.46, lng: -2.1 } });
    const res = await search({ bbox: '-2.4,53.4,-2.2,53.5' });
    expect(names(res)).toEqual(['In box']);
    expect(res.results[0]!.distanceKm).toBeNull();
    expect(res.centre).toBeNull();
    expect(res.radiusKm).toBeNull();
  });

  it('when a sector or district is given, then its centroid is the centre', async () => {
    await db.execute(
      sql`insert into postcode_areas (kind, key, label, lat, lng) values ('district', 'M13', 'M13', 53.46, -2.3),
          ('sector', 'M13 9', 'M13 9', 53.46, -2.3)`,
    );
    await placeService(db, { name: 'Near', at: offset(A, 1, 0) });
    expect(names(await search({ postcode: 'm13' }))).toEqual(['Near']);
    expect((await search({ postcode: 'M13  9' })).centre?.label).toBe('M13 9');
  });

  it.each([
    [{}, 'postcode'],
    [{ category: 'advice' }, 'postcode'],
    [{ postcode: 'M13 9PL', radiusKm: '-1' }, 'radiusKm'],
    [{ postcode: 'M13 9PL', radiusKm: '1000' }, 'radiusKm'],
    [{ postcode: 'M13 9PL', radiusKm: 'far' }, 'radiusKm'],
    [{ lat: '200', lng: '0' }, 'lat'],
    [{ lat: '53' }, 'lng'],
    [{ lat: ['53', '54'], lng: '-2' }, 'lat'],
    [{ postcode: 'M13 9PL', lat: '53', lng: '-2' }, 'postcode'],
    [{ postcode: 'ZZ99 9ZZ' }, 'postcode'],
    [{ postcode: 'not a postcode' }, 'postcode'],
    [{ pcn: 'U99999' }, 'pcn'],
    [{ pcn: 'nope' }, 'pcn'],
    [{ bbox: '170,50,-170,60' }, 'bbox'],
    [{ bbox: '1,2,3' }, 'bbox'],
    [{ postcode: 'M13 9PL', category: 'no_such_code' }, 'category'],
    [{ postcode: 'M13 9PL', cursor: 'not-a-cursor!' }, 'cursor'],
    [{ postcode: 'M13 9PL', cursor: Buffer.from('{"k":1}').toString('base64url') }, 'cursor'],
    [{ postcode: 'M13 9PL', sort: 'price' }, 'sort'],
    [{ postcode: 'M13 9PL', limit: '0' }, 'limit'],
    [{ postcode: 'M13 9PL', limit: '2.5' }, 'limit'],
    [{ postcode: 'M13 9PL', age: '-3' }, 'age'],
    [{ postcode: 'M13 9PL', mode: 'telepathy' }, 'mode.0'],
    [{ postcode: 'M13 9PL', free: 'maybe' }, 'free'],
    [{ postcode: 'M13 9PL', openOn: 'XX' }, 'openOn'],
    [{ postcode: 'M13 9PL', language: 'english' }, 'language'],
    [{ postcode: 'M13 9PL', capacity: 'some' }, 'capacity'],
    [{ postcode: 'M13 9PL', q: ['a', 'b'] }, 'q'],
  ])('when the query is %j, then 400 problem+json naming %s', async (q, field) => {
    const res = await request(t.app).get('/api/services/search').query(q);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('when a cursor from another sort is given, then 400 naming cursor', async () => {
    for (let i = 0; i < 3; i++) await placeService(db, { name: `S${i}`, at: offset(A, i + 0.5, 0) });
    const first = await search({ postcode: 'M13 9PL', limit: '1', sort: 'distance' });
    const res = await request(t.app)
      .get('/api/services/search')
      .query({ postcode: 'M13 9PL', sort: 'updated', cursor: first.nextCursor! });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('cursor');
  });
});

describe('what', () => {
  it('when filtering by category, then services of that term and its children match, with the reason', async () => {
    await placeService(db, { name: 'Debt clinic', terms: ['advice.debt'] });
    await placeService(db, { name: 'General advice', terms: ['advice'] });
    await placeService(db, { name: 'Choir', terms: ['arts_and_culture'] });
    const res = await search({ postcode: 'M13 9PL', category: 'advice' });
    expect(names(res).sort()).toEqual(['Debt clinic', 'General advice']);
    expect(res.results[0]!.matched).toContainEqual({ kind: 'category', text: 'Advice' });
    expect(res.results.find((r) => r.name === 'Debt clinic')!.categories).toEqual([
      { code: 'advice.debt', name: expect.any(String) },
    ]);
    expect(names(await search({ postcode: 'M13 9PL', category: 'advice.debt' }))).toEqual(['Debt clinic']);
    expect(names(await search({ postcode: 'M13 9PL', category: ['advice.debt', 'arts_and_culture'] })).sort()).toEqual([
      'Choir',
      'Debt clinic',
    ]);
  });

  it('when searching by keyword, then English stemming matches name, description and organisation', async () => {
    await placeService(db, { name: 'Walking group', description: 'Gentle strolls' });
    await placeService(db, { name: 'Lunch club', description: 'Hot meals for older people' });
    await placeService(db, { name: 'Drop-in', orgName: 'Gardeners Association' });
    expect(names(await search({ postcode: 'M13 9PL', q: 'walks' }))).toEqual(['Walking group']);
    expect(names(await search({ postcode: 'M13 9PL', q: 'meal' }))).toEqual(['Lunch club']);
    expect(names(await search({ postcode: 'M13 9PL', q: 'gardener' }))).toEqual(['Drop-in']);
    expect(names(await search({ postcode: 'M13 9PL', q: 'lunch -club' }))).toEqual([]);
    const res = await search({ postcode: 'M13 9PL', q: 'walks' });
    expect(res.results[0]!.matched).toContainEqual({ kind: 'keyword', text: 'Matches “walks”' });
  });

  it('when filtering by age, language, mode, cost and opening, then only matching services remain', async () => {
    await placeService(db, { name: 'Youth', minimumAge: 11, maximumAge: 18 });
    await placeService(db, {
      name: 'Adults',
      minimumAge: 18,
      maximumAge: null,
      languages: ['pa', 'en'],
      isFree: false,
    });
    await placeService(db, {
      name: 'Helpline',
      modes: ['phone'],
      schedules: [{ byday: 'MO,WE', opensAt: '09:00', closesAt: '12:00' }],
    });
    // Cost not stated: neither "free" nor "there is a cost" may claim it.
    await placeService(db, { name: 'Unstated', minimumAge: 70, maximumAge: 99, languages: ['pl'], isFree: null });
    const q = { postcode: 'M13 9PL' };
    expect(names(await search({ ...q, age: '15' })).sort()).toEqual(['Helpline', 'Youth']);
    expect(names(await search({ ...q, age: '40' })).sort()).toEqual(['Adults', 'Helpline']);
    expect(names(await search({ ...q, language: 'pa' }))).toEqual(['Adults']);
    expect(names(await search({ ...q, language: 'en' })).sort()).toEqual(['Adults', 'Helpline', 'Youth']);
    expect(names(await search({ ...q, mode: 'phone' }))).toEqual(['Helpline']);
    expect(names(await search({ ...q, mode: 'online,phone' }))).toEqual(['Helpline']);
    expect(names(await search({ ...q, free: 'false' }))).toEqual(['Adults']);
    expect(names(await search({ ...q, free: 'true' })).sort()).toEqual(['Helpline', 'Youth']);
    expect(names(await search({ ...q, age: '75' })).sort()).toEqual(['Adults', 'Helpline', 'Unstated']);
    expect(names(await search({ ...q, openOn: 'we' }))).toEqual(['Helpline']);
    expect(names(await search({ ...q, openOn: 'MO@11:30' }))).toEqual(['Helpline']);
    expect(names(await search({ ...q, openOn: 'MO@12:00' }))).toEqual([]);
    expect(names(await search({ ...q, openOn: 'TU' }))).toEqual([]);
    const open = await search({ ...q, openOn: 'MO@11:30', age: '40', language: 'en' });
    expect(open.results[0]!.matched.map((m) => m.text)).toEqual([
      'Under 10 m away',
      'Open on Mondays at 11:30',
      'Suitable for age 40',
      'Offered in English',
    ]);
  });
});

describe('capacity and freshness', () => {
  it('when filtering by capacity, then accepting means accepting+limited, include=waitlist adds waitlist, unconfirmed=false drops stale', async () => {
    await placeService(db, { name: 'Accepting', status: 'accepting' });
    await placeService(db, { name: 'Limited', status: 'limited' });
    await placeService(db, { name: 'Waitlist', status: 'waitlist' });
    await placeService(db, { name: 'Full', status: 'not_accepting' });
    await placeService(db, { name: 'Never set', status: null });
    await placeService(db, { name: 'Stale accepting', status: 'accepting', confirmedDaysAgo: 30 });
    const q = { postcode: 'M13 9PL' };
    expect(names(await search(q))).toHaveLength(6);
    expect(names(await search({ ...q, capacity: 'accepting' })).sort()).toEqual([
      'Accepting',
      'Limited',
      'Stale accepting',
    ]);
    expect(names(await search({ ...q, capacity: 'accepting', include: 'waitlist' })).sort()).toEqual([
      'Accepting',
      'Limited',
      'Stale accepting',
      'Waitlist',
    ]);
    expect(names(await search({ ...q, capacity: 'accepting', unconfirmed: 'false' })).sort()).toEqual([
      'Accepting',
      'Limited',
    ]);
    const stale = (await search({ ...q, capacity: 'accepting' })).results.find((r) => r.name === 'Stale accepting')!;
    expect(stale.capacity).toMatchObject({
      status: 'accepting',
      freshness: 'unconfirmed',
      freshnessLabel: 'unconfirmed — check before referring',
    });
    expect(stale.pressure).toBeNull();
  });

  it('when services are at similar distances, then relevance ranks confirmed accepting above waitlist and unconfirmed', async () => {
    await placeService(db, { name: 'Waitlist nearest', status: 'waitlist', at: offset(A, 0.5, 0) });
    await placeService(db, {
      name: 'Stale accepting',
      status: 'accepting',
      confirmedDaysAgo: 40,
      at: offset(A, 0.6, 0),
    });
    await placeService(db, { name: 'Confirmed accepting', status: 'accepting', at: offset(A, 0.8, 0) });
    await placeService(db, { name: 'Full', status: 'not_accepting', at: offset(A, 0.3, 0) });
    await placeService(db, { name: 'Accepting but far', status: 'accepting', at: offset(A, 4.5, 0) });
    const res = await search({ postcode: 'M13 9PL' });
    expect(names(res)).toEqual([
      'Confirmed accepting',
      'Stale accepting',
      'Waitlist nearest',
      'Full',
      'Accepting but far',
    ]);
    expect(names(await search({ postcode: 'M13 9PL', sort: 'distance' }))).toEqual([
      'Full',
      'Waitlist nearest',
      'Stale accepting',
      'Confirmed accepting',
      'Accepting but far',
    ]);
  });

  it('when sorting by updated, then the most recently confirmed capacity comes first', async () => {
    await placeService(db, { name: 'Old', confirmedDaysAgo: 9 });
    await placeService(db, { name: 'New', confirmedDaysAgo: 1 });
    await placeService(db, { name: 'Never', status: null });
    await placeService(db, { name: 'Middle', confirmedDaysAgo: 4 });
    expect(names(await search({ postcode: 'M13 9PL', sort: 'updated' }))).toEqual(['New', 'Middle', 'Old', 'Never']);
  });
});

describe('referral pressure', () => {
  it('when a waitlisted service got more referrals than it can take in 28 days, then its result says high demand', async () => {
    const busy = await placeService(db, { name: 'Busy', status: 'waitlist', at: offset(A, 1, 0) });
    const quiet = await placeService(db, { name: 'Quiet', status: 'waitlist', at: offset(A, 1.5, 0) });
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    // Busy: three referrals within the window; Quiet: two within and two older ones that no longer count.
    for (const [id, d] of [
      [busy.id, 1],
      [busy.id, 5],
      [busy.id, 20],
      [quiet.id, 2],
      [quiet.id, 3],
      [quiet.id, 40],
      [quiet.id, 60],
    ] as const) {
      await db.execute(
        sql`insert into referrals (service_id, pcn_code, recorded_at) values (${id}, 'U10001', ${daysAgo(d)}::timestamptz)`,
      );
    }
    const res = await search({ postcode: A.postcode, sort: 'distance' });
    expect(res.results.map((r) => [r.name, r.pressure])).toEqual([
      ['Busy', 'high'],
      ['Quiet', null],
    ]);
  });
});

describe('remote services', () => {
  it('when a phone or online service covers the person’s area, then it appears whatever the radius, marked remote', async () => {
    await placeService(db, {
      name: 'Helpline for ICB A',
      modes: ['phone'],
      at: offset(A, 120, 0),
      areas: [{ areaType: 'icb', areaCode: ICB_A }],
    });
    await placeService(db, {
      name: 'Online course for England',
      modes: ['online'],
      at: null,
      areas: [{ areaType: 'england', areaCode: 'E92000001' }],
    });
    await placeService(db, {
      name: 'Helpline for ICB B',
      modes: ['phone'],
      at: offset(A, 120, 0),
      areas: [{ areaType: 'icb', areaCode: ICB_B }],
    });
    await placeService(db, {
      name: 'Far in-person club covering A',
      at: offset(A, 120, 0),
      areas: [{ areaType: 'icb', areaCode: ICB_A }],
    });
    const res = await search({ postcode: 'M13 9PL', sort: 'distance' });
    expect(names(res)).toEqual(['Helpline for ICB A', 'Online course for England']);
    const [helpline, online] = res.results;
    expect(helpline).toMatchObject({ remote: true, deliveryModes: ['phone'] });
    expect(helpline!.distanceKm).toBeCloseTo(120, 1);
    expect(helpline!.matched[0]).toEqual({ kind: 'remote', text: 'Covers the area of M13 9PL (phone)' });
    expect(online).toMatchObject({ remote: true, distanceKm: null, location: null });
    // A remote service within the radius is found by distance, not marked remote.
    await placeService(db, {
      name: 'Nearby helpline',
      modes: ['phone', 'in_person'],
      at: offset(A, 1, 0),
      areas: [{ areaType: 'pcn', areaCode: 'U10001' }],
    });
    const again = await search({ postcode: 'M13 9PL', sort: 'distance' });
    expect(again.results[0]).toMatchObject({ name: 'Nearby helpline', remote: false });
    // Searching in ICB B finds ICB B's helpline instead.
    expect(names(await search({ postcode: POSTCODES.inB.postcode, sort: 'distance' }))).toEqual([
      'Helpline for ICB B',
      'Online course for England',
    ]);
  });

  it('when ranking by relevance, then a remote service counts as being at the edge of the radius', async () => {
    await placeService(db, {
      name: 'Remote helpline',
      modes: ['phone'],
      at: offset(A, 120, 0),
      areas: [{ areaType: 'icb', areaCode: ICB_A }],
    });
    await placeService(db, { name: 'Near waitlist', status: 'waitlist', at: offset(A, 1, 0) }); // 1 + 5 × 0.3
    await placeService(db, { name: 'Near full', status: 'not_accepting', at: offset(A, 0.5, 0) }); // 0.5 + 5 × 0.6
    await placeService(db, { name: 'Edge stale', confirmedDaysAgo: 30, at: offset(A, 4.9, 0) }); // 4.9 + 5 × 0.2
    const res = await search({ postcode: 'M13 9PL' });
    expect(names(res)).toEqual(['Near waitlist', 'Near full', 'Remote helpline', 'Edge stale']);
    expect(res.results[2]).toMatchObject({ remote: true });
  });
});

describe('pagination', () => {
  it('when paging with the cursor through every sort, then each service appears exactly once, in order', async () => {
    for (let i = 0; i < 23; i++) {
      const statuses = ['accepting', 'limited', 'waitlist', 'not_accepting', null] as const;
      await placeService(db, {
        name: `Service ${i}`,
        status: statuses[i % 5],
        confirmedDaysAgo: (i * 7) % 30,
        at: offset(A, (i % 7) * 0.4, i * 37),
      });
    }
    for (const sort of ['relevance', 'distance', 'updated']) {
      const all = await search({ postcode: 'M13 9PL', sort, limit: '100' });
      expect(all.results).toHaveLength(23);
      const paged: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: SearchResponseDto = await search({
          postcode: 'M13 9PL',
          sort,
          limit: '4',
          ...(cursor ? { cursor } : {}),
        });
        paged.push(...page.results.map((r) => r.serviceId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(6);
      expect(paged).toEqual(all.results.map((r) => r.serviceId));
    }
  });

  it('when a service has several locations, then it appears once, at its nearest location', async () => {
    const s = await placeService(db, { name: 'Two sites', at: offset(A, 3, 0) });
    const [loc] = await query<{ id: string }>(
      db,
      sql`insert into locations (organization_id, name, geom)
          values (${s.organizationId}, 'Near site', ST_SetSRID(ST_MakePoint(${offset(A, 1, 180).lng}, ${offset(A, 1, 180).lat}), 4326))
          returning id`,
    );
    await db.execute(sql`insert into service_at_locations (service_id, location_id) values (${s.id}, ${loc!.id})`);
    const res = await search({ postcode: 'M13 9PL' });
    expect(res.results).toHaveLength(1);
    expect(res.results[0]!.location!.name).toBe('Near site');
    expect(res.results[0]!.distanceKm).toBeCloseTo(1, 2);
  });
});

describe('public visibility', () => {
  it('when an organisation is pending or rejected, or a service is not active, then search does not show it', async () => {
    await placeService(db, { name: 'Public' });
    await placeService(db, { name: 'Pending org', orgStatus: 'pending' });
    await placeService(db, { name: 'Rejected org', orgStatus: 'rejected' });
    await placeService(db, { name: 'Inactive', serviceStatus: 'inactive' });
    await placeService(db, { name: 'Closed', serviceStatus: 'temporarily closed' });
    expect(names(await search({ postcode: 'M13 9PL' }))).toEqual(['Public']);
  });
});

describe('every write path keeps search current', () => {
  let admin: AuthHeaders;
  beforeAll(async () => {
    admin = (await signedInAs(db, { role: 'admin' })).headers;
  });

  it('service create, update, capacity, confirm and delete through the API', async () => {
    const org = await placeService(db, { name: 'Seed', at: offset(A, 30, 0) });
    const editor = (await signedInAs(db, { role: 'vcse_editor', organizationIds: [org.organizationId] })).headers;
    const body = {
      name: 'Riverside walks',
      description: 'Guided walks by the river',
      deliveryModes: ['in_person'],
      locations: [{ name: 'Park gates', postcode: 'M13 9PL' }],
      taxonomy: ['physical_activity'],
    };
    const created = await request(t.app)
      .post(`/api/organizations/${org.organizationId}/services`)
      .set(editor)
      .send(body)
      .expect(201);
    const id = created.body.id as string;
    let found = await search({ postcode: 'M13 9PL', q: 'river' });
    expect(found.results.map((r) => r.serviceId)).toEqual([id]);
    expect(found.results[0]!.capacity.status).toBeNull();

    const updated = await request(t.app)
      .put(`/api/services/${id}`)
      .set(editor)
      .set('If-Match', created.headers.etag as string)
      .send({ ...body, name: 'Canal walks', description: 'Guided walks by the canal' })
      .expect(200);
    expect(names(await search({ postcode: 'M13 9PL', q: 'river' }))).toEqual([]);
    expect(names(await search({ postcode: 'M13 9PL', q: 'canal' }))).toEqual(['Canal walks']);

    const capacity = await request(t.app)
      .put(`/api/services/${id}/capacity`)
      .set(editor)
      .set('If-Match', updated.headers.etag as string)
      .send({ status: 'waitlist', waitDays: 21 })
      .expect(200);
    found = await search({ postcode: 'M13 9PL', capacity: 'accepting', include: 'waitlist' });
    expect(found.results[0]).toMatchObject({
      serviceId: id,
      capacity: { status: 'waitlist', waitDays: 21, freshness: 'confirmed' },
    });
    expect(names(await search({ postcode: 'M13 9PL', capacity: 'accepting' }))).toEqual([]);

    // Capacity goes stale; "still accurate" brings it back into unconfirmed=false searches.
    await db.execute(sql`update services set capacity_confirmed_at = now() - interval '40 days' where id = ${id}`);
    expect(names(await search({ postcode: 'M13 9PL', unconfirmed: 'false' }))).toEqual([]);
    const confirmed = await request(t.app)
      .post(`/api/services/${id}/capacity/confirm`)
      .set(editor)
      .set('If-Match', capacity.headers.etag as string)
      .expect(200);
    expect(names(await search({ postcode: 'M13 9PL', unconfirmed: 'false' }))).toEqual(['Canal walks']);

    await request(t.app)
      .delete(`/api/services/${id}`)
      .set(editor)
      .set('If-Match', confirmed.headers.etag as string)
      .expect(204);
    expect(names(await search({ postcode: 'M13 9PL' }))).toEqual([]);
  });

  it('one-tap capacity links', async () => {
    const { signCapacityLink } = await import('../../server/features/directory');
    const s = await placeService(db, { name: 'Linked', status: 'accepting' });
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'not_accepting' });
    await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(200);
    const res = await search({ postcode: 'M13 9PL' });
    expect(res.results[0]!.capacity.status).toBe('not_accepting');
    expect(names(await search({ postcode: 'M13 9PL', capacity: 'accepting' }))).toEqual([]);
  });

  it('organisation approval, rejection and renaming', async () => {
    const editor = await signedInAs(db, { role: 'vcse_editor' });
    const created = await request(t.app)
      .post('/api/organizations')
      .set(editor.headers)
      .send({ name: 'New Neighbours', description: 'A new group' })
      .expect(201);
    await placeService(db, { name: 'Newcomers café', organizationId: created.body.id });
    expect(names(await search({ postcode: 'M13 9PL' }))).toEqual([]);
    await request(t.app)
      .post(`/api/admin/organizations/${created.body.id}/decision`)
      .set(admin)
      .send({ decision: 'approve' })
      .expect(200);
    expect(names(await search({ postcode: 'M13 9PL', q: 'neighbours' }))).toEqual(['Newcomers café']);
    await db.execute(sql`update organizations set name = 'Renamed Friends' where id = ${created.body.id}`);
    expect(names(await search({ postcode: 'M13 9PL', q: 'friends' }))).toEqual(['Newcomers café']);
    await db.execute(sql`update organizations set status = 'rejected' where id = ${created.body.id}`);
    expect(names(await search({ postcode: 'M13 9PL' }))).toEqual([]);
  });

  it('taxonomy changes: moving a term under another parent', async () => {
    const term = await request(t.app)
      .post('/api/admin/taxonomy')
      .set(admin)
      .send({ code: 'advice.pensions', name: 'Pensions advice', parentCode: 'advice' })
      .expect(201);
    await placeService(db, { name: 'Pension clinic', terms: ['advice.pensions'] });
    expect(names(await search({ postcode: 'M13 9PL', category: 'advice' }))).toEqual(['Pension clinic']);
    const [practical] = await query<{ id: string }>(
      db,
      sql`select id from taxonomy_terms where code = 'practical_support'`,
    );
    await db.execute(sql`update taxonomy_terms set parent_id = ${practical!.id} where id = ${term.body.id}`);
    expect(names(await search({ postcode: 'M13 9PL', category: 'advice' }))).toEqual([]);
    expect(names(await search({ postcode: 'M13 9PL', category: 'practical_support' }))).toEqual(['Pension clinic']);
  });

  it('bulk CSV import', async () => {
    const csv = [
      'Org,Service,About,Postcode,Codes,Ref',
      'Imported Trust,Imported food bank,Emergency food parcels,M13 9PL,food,IMP1',
    ].join('\n');
    const job = await importCsvAndWait(t.app, admin, csv, {
      map: 'Org=organization_name,Service=service_name,About=description,Postcode=postcode,Codes=taxonomy,Ref=ref',
    });
    expect(job.status).toBe('succeeded');
    const found = await search({ postcode: 'M13 9PL', category: 'food' });
    expect(names(found)).toEqual(['Imported food bank']);
    expect(found.results[0]!.organization.name).toBe('Imported Trust');
  });

  it('moving a location', async () => {
    const s = await placeService(db, { name: 'Mover', at: offset(A, 1, 0) });
    const far = offset(A, 30, 0);
    await db.execute(
      sql`update locations set geom = ST_SetSRID(ST_MakePoint(${far.lng}, ${far.lat}), 4326)
          where organization_id = ${s.organizationId}`,
    );
    expect(names(await search({ postcode: 'M13 9PL' }))).toEqual([]);
    expect(names(await search({ postcode: 'M13 9PL', radiusKm: '40' }))).toEqual(['Mover']);
  });
});
