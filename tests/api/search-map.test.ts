/** GET /api/services/map: points when few, grid clusters when many (pre-aggregated or live), kept current by triggers. */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createOrganization } from '../helpers/directory';
import { query, type Db } from '../../server/db';
import type { MapFeatureDto, MapResponseDto } from '../../shared/schemas/search';
import { placeMany, placeService } from './support/search';

let t: TestApp;
let db: Db;

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
});
afterAll(() => t.close());
beforeEach(async () => {
  await db.execute(sql`delete from organizations`);
});

const map = async (q: Record<string, string>): Promise<MapResponseDto> => {
  const res = await request(t.app).get('/api/services/map').query(q);
  expect([res.status, res.body?.errors]).toEqual([200, undefined]);
  return res.body as MapResponseDto;
};
type Cluster = Extract<MapFeatureDto, { kind: 'cluster' }>;
const clusters = (m: MapResponseDto) => m.features.filter((f): f is Cluster => f.kind === 'cluster');
const sumBy = (m: MapResponseDto) => {
  const out: Record<string, number> = {};
  for (const c of clusters(m)) for (const [k, v] of Object.entries(c.byStatus)) out[k] = (out[k] ?? 0) + v;
  return out;
};
const ENGLAND = '-6.5,49.8,2.0,55.9';
/** A deterministic spread of n points over a box, with statuses cycling (a fifth never set). */
function spread(n: number, box = { w: -3, s: 53, e: -1.5, n: 54 }) {
  const statuses = ['accepting', 'limited', 'waitlist', 'not_accepting', null];
  return Array.from({ length: n }, (_, i) => ({
    lat: box.s + ((i * 0.618034) % 1) * (box.n - box.s),
    lng: box.w + ((i * 0.414214) % 1) * (box.e - box.w),
    status: statuses[i % 5]!,
  }));
}

describe('GET /api/services/map', () => {
  it('when the view holds few services, then it answers points with status and freshness; hidden services are not drawn', async () => {
    const a = await placeService(db, { name: 'Fresh', at: { lat: 53.46, lng: -2.3 }, status: 'accepting' });
    const b = await placeService(db, {
      name: 'Stale',
      at: { lat: 53.47, lng: -2.31 },
      status: 'waitlist',
      confirmedDaysAgo: 30,
    });
    await placeService(db, { name: 'Pending', at: { lat: 53.46, lng: -2.3 }, orgStatus: 'pending' });
    await placeService(db, { name: 'Outside', at: { lat: 51.5, lng: -0.1 } });
    const res = await map({ bbox: '-2.4,53.4,-2.2,53.5', zoom: '12' });
    expect(res.mode).toBe('points');
    expect(res.total).toBe(2);
    const byId = Object.fromEntries(res.features.map((f) => [f.kind === 'point' ? f.serviceId : '', f]));
    expect(byId[a.id]).toEqual({
      kind: 'point',
      lat: 53.46,
      lng: -2.3,
      serviceId: a.id,
      name: 'Fresh',
      status: 'accepting',
      freshness: 'confirmed',
    });
    expect(byId[b.id]).toMatchObject({ status: 'waitlist', freshness: 'unconfirmed' });
    expect((await map({ bbox: '-2.4,53.4,-2.2,53.5', zoom: '12', capacity: 'accepting' })).total).toBe(1);
  });

  it('when the view holds more than 500 services, then it answers grid clusters whose counts add up', async () => {
    const org = await createOrganization(db);
    await placeMany(db, org.id, spread(700));
    const res = await map({ bbox: ENGLAND, zoom: '6' });
    expect(res.mode).toBe('clusters');
    expect(res.total).toBe(700);
    expect(sumBy(res)).toEqual({ accepting: 140, limited: 140, waitlist: 140, not_accepting: 140, null: 140 });
    for (const c of clusters(res)) {
      expect(c.count).toBe(Object.values(c.byStatus).reduce((x, y) => x + y, 0));
      expect(c.lat).toBeGreaterThanOrEqual(53);
      expect(c.lat).toBeLessThanOrEqual(54);
    }
    // Zooming in splits clusters (more, smaller cells).
    const closer = await map({ bbox: '-3.1,52.9,-1.4,54.1', zoom: '9' });
    expect(closer.total).toBe(700);
    expect(clusters(closer).length).toBeGreaterThan(clusters(res).length);
    // Capacity filter on the grid.
    const accepting = await map({ bbox: ENGLAND, zoom: '6', capacity: 'accepting', include: 'waitlist' });
    expect(accepting).toMatchObject({ mode: 'points', total: 420 });
    const statuses: Record<string, number> = {};
    for (const f of accepting.features) if (f.kind === 'point') statuses[f.status!] = (statuses[f.status!] ?? 0) + 1;
    expect(statuses).toEqual({ accepting: 140, limited: 140, waitlist: 140 });
    const notAccepting = await map({ bbox: ENGLAND, zoom: '6', capacity: 'accepting' });
    expect(notAccepting.total).toBe(280);
  });

  it('when clusters come from the pre-aggregated grid or from a live query, then they agree', async () => {
    const org = await createOrganization(db);
    await placeMany(db, org.id, spread(650));
    for (const zoom of ['5', '7', '8', '10']) {
      const grid = await map({ bbox: ENGLAND, zoom });
      // free=true keeps every service (all are free) but forces the live aggregation.
      const live = await map({ bbox: ENGLAND, zoom, free: 'true' });
      const key = (m: MapResponseDto) =>
        clusters(m)
          .map((c) => `${c.lat.toFixed(5)},${c.lng.toFixed(5)}:${c.count}:${JSON.stringify(c.byStatus)}`)
          .sort();
      expect(grid.total).toBe(650);
      expect(key(grid)).toEqual(key(live));
    }
  });

  it('when services change, then the grid follows in the same transaction (capacity, deletion, organisation status)', async () => {
    const org = await createOrganization(db);
    const ids = await placeMany(db, org.id, spread(600));
    await db.execute(sql`update services set capacity_status = 'accepting' where id = ${ids[4]!}`); // was never set
    await db.execute(sql`delete from services where id = ${ids[0]!}`); // was accepting
    let res = await map({ bbox: ENGLAND, zoom: '6' });
    expect(res.total).toBe(599);
    expect(sumBy(res)).toEqual({ accepting: 120, limited: 120, waitlist: 120, not_accepting: 120, null: 119 });
    await db.execute(sql`update organizations set status = 'rejected' where id = ${org.id}`);
    res = await map({ bbox: ENGLAND, zoom: '6' });
    expect(res).toEqual({ mode: 'points', total: 0, features: [] });
    const [cells] = await query<{ n: number }>(db, sql`select coalesce(sum(n), 0)::int as n from service_search_cells`);
    expect(cells!.n).toBe(0);
  });

  it('when a wide view is asked at a deep zoom, then clusters are coarsened to at most 32 cells across', async () => {
    const org = await createOrganization(db);
    await placeMany(db, org.id, spread(800, { w: -6, s: 50, e: 1.5, n: 55.5 }));
    const res = await map({ bbox: ENGLAND, zoom: '22' });
    expect(res.mode).toBe('clusters');
    expect(res.total).toBe(800);
    expect(res.features.length).toBeLessThanOrEqual(32 * 32);
    expect(JSON.stringify(res).length).toBeLessThan(200_000);
  });

  it.each([
    [{ zoom: '6' }, 'bbox'],
    [{ bbox: ENGLAND }, 'zoom'],
    [{ bbox: ENGLAND, zoom: '23' }, 'zoom'],
    [{ bbox: ENGLAND, zoom: '6.5' }, 'zoom'],
    [{ bbox: '170,50,-170,60', zoom: '6' }, 'bbox'],
    [{ bbox: '-2,53,-1', zoom: '6' }, 'bbox'],
    [{ bbox: ENGLAND, zoom: '6', category: 'nope' }, 'category'],
    [{ bbox: ENGLAND, zoom: '6', capacity: 'all' }, 'capacity'],
  ])('when the query is %j, then 400 naming %s', async (q, field) => {
    const res = await request(t.app).get('/api/services/map').query(q);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
