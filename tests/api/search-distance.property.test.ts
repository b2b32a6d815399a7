/**
 * Distance correctness of GET /api/services/search, property-based: random services and centres; the API's results
 * and order (sort=distance) must equal a brute-force great-circle (haversine) computation done here, allowing a tiny
 * epsilon at the radius boundary and between near-equal distances.
 */
import fc from 'fast-check';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createOrganization } from '../helpers/directory';
import { query, type Db } from '../../server/db';
import { haversineKm } from '../../shared/geo/distance';
import type { SearchResponseDto } from '../../shared/schemas/search';

let t: TestApp;
let db: Db;
let orgId: string;

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  orgId = (await createOrganization(db, { name: 'Property Trust' })).id;
});
afterAll(() => t.close());

const EPS_KM = 1e-6;

/** Replaces every service with the given points (one service and location each); returns their ids in order. */
async function placeAll(points: { lat: number; lng: number }[]): Promise<string[]> {
  await db.execute(sql`delete from services`);
  await db.execute(sql`delete from locations`);
  if (!points.length) return [];
  const rows = await query<{ id: string }>(
    db,
    sql`with p as (select * from unnest(${`{${points.map((p) => p.lat).join(',')}}`}::float8[],
                                         ${`{${points.map((p) => p.lng).join(',')}}`}::float8[])
                    with ordinality as p(lat, lng, i)),
         s as (insert into services (organization_id, name, capacity_status, capacity_confirmed_at)
               select ${orgId}, 'Point ' || i, 'accepting', now() from p order by i returning id, name),
         l as (insert into locations (organization_id, name, geom)
               select ${orgId}, 'Point ' || i, ST_SetSRID(ST_MakePoint(lng, lat), 4326) from p order by i returning id, name),
         x as (insert into service_at_locations (service_id, location_id)
               select s.id, l.id from s join l on l.name = s.name)
     select s.id from s order by substring(s.name from 7)::int`,
  );
  return rows.map((r) => r.id);
}

const centreArb = fc.record({
  lat: fc.double({ min: 50, max: 55.5, noNaN: true }),
  lng: fc.double({ min: -5.5, max: 1.7, noNaN: true }),
});
// Offsets up to about ±0.5° (≈ 55 km north-south) so some points fall inside and some outside every radius.
const offsetArb = fc.record({
  dLat: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  dLng: fc.double({ min: -0.8, max: 0.8, noNaN: true }),
});

describe('search distance (property)', () => {
  it('when services and a centre are random, then results are exactly those within the radius, nearest first', async () => {
    await fc.assert(
      fc.asyncProperty(
        centreArb,
        fc.array(offsetArb, { minLength: 0, maxLength: 40 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        async (centre, offsets, radiusKm) => {
          const points = offsets.map((o) => ({ lat: centre.lat + o.dLat, lng: centre.lng + o.dLng }));
          const ids = await placeAll(points);
          const res = await request(t.app)
            .get('/api/services/search')
            .query({
              lat: String(centre.lat),
              lng: String(centre.lng),
              radiusKm: String(radiusKm),
              sort: 'distance',
              limit: '100',
            });
          expect(res.status).toBe(200);
          const body = res.body as SearchResponseDto;
          const brute = ids.map((id, i) => ({
            id,
            d: haversineKm(centre.lat, centre.lng, points[i]!.lat, points[i]!.lng),
          }));
          const got = body.results.map((r) => r.serviceId);
          // Inside (beyond the epsilon) must be found; outside must not.
          for (const b of brute) {
            if (b.d < radiusKm - EPS_KM) expect(got).toContain(b.id);
            if (b.d > radiusKm + EPS_KM) expect(got).not.toContain(b.id);
          }
          // Each distance agrees with haversine (to the 3 decimals the API gives), and the order is nearest first.
          const byId = new Map(brute.map((b) => [b.id, b.d]));
          let previous = -Infinity;
          for (const r of body.results) {
            const d = byId.get(r.serviceId)!;
            expect(Math.abs(r.distanceKm! - d)).toBeLessThanOrEqual(0.0005 + 1e-9);
            expect(d).toBeGreaterThanOrEqual(previous - EPS_KM);
            previous = d;
            expect(r.remote).toBe(false);
          }
          // Same order as the brute-force sort (ties within epsilon may swap).
          const expected = brute.filter((b) => b.d <= radiusKm - EPS_KM).sort((a, b) => a.d - b.d);
          const gotInside = body.results.filter((r) => byId.get(r.serviceId)! <= radiusKm - EPS_KM);
          expect(gotInside).toHaveLength(expected.length);
          gotInside.forEach((r, i) => expect(Math.abs(byId.get(r.serviceId)! - expected[i]!.d)).toBeLessThan(EPS_KM));
        },
      ),
      { numRuns: 40, seed: 20260524 },
    );
  });

  it('when a service sits exactly on the radius (along a meridian), then it is included', async () => {
    const centre = { lat: 52, lng: -1 };
    const northKm = 5;
    const lat = centre.lat + (northKm / 6371.0088) * (180 / Math.PI) * (1 - 1e-9);
    const [id] = await placeAll([{ lat, lng: centre.lng }]);
    const res = await request(t.app)
      .get('/api/services/search')
      .query({ lat: '52', lng: '-1', radiusKm: '5' })
      .expect(200);
    expect(res.body.results.map((r: { serviceId: string }) => r.serviceId)).toEqual([id]);
  });
});
