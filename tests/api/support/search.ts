/** Test factories for search: a public service placed at a point, with the fields search filters on. */
import { sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../../server/db';
import { createOrganization } from '../../helpers/directory';

/** What to place. */
export interface PlaceOptions {
  name?: string;
  description?: string;
  /** null = no location. */
  at?: { lat: number; lng: number } | null;
  /** null = never set. */
  status?: 'accepting' | 'limited' | 'waitlist' | 'not_accepting' | null;
  /** Days since capacity was confirmed. */
  confirmedDaysAgo?: number;
  terms?: string[];
  modes?: string[];
  areas?: { areaType: string; areaCode: string }[];
  languages?: string[];
  schedules?: { byday: string; opensAt?: string; closesAt?: string }[];
  isFree?: boolean | null;
  minimumAge?: number | null;
  maximumAge?: number | null;
  orgName?: string;
  orgStatus?: string;
  serviceStatus?: string;
  organizationId?: string;
}

/** Inserts an organisation (unless given) and a service with one location, taxonomy, areas, languages, schedules. */
export async function placeService(db: Db, o: PlaceOptions = {}): Promise<{ id: string; organizationId: string }> {
  const organizationId =
    o.organizationId ??
    (await createOrganization(db, { name: o.orgName ?? 'Community Trust', status: o.orgStatus ?? 'approved' })).id;
  const confirmed = o.status === null ? null : new Date(Date.now() - (o.confirmedDaysAgo ?? 1) * 86_400_000 - 60_000);
  const [s] = await db
    .insert(schema.services)
    .values({
      organizationId,
      name: o.name ?? 'Walking group',
      description: o.description ?? '',
      status: o.serviceStatus ?? 'active',
      isFree: o.isFree === undefined ? true : o.isFree,
      minimumAge: o.minimumAge ?? null,
      maximumAge: o.maximumAge ?? null,
      deliveryModes: o.modes ?? ['in_person'],
      capacityStatus: o.status === undefined ? 'accepting' : o.status,
      capacitySetAt: confirmed,
      capacityConfirmedAt: confirmed,
    })
    .returning();
  const id = s!.id;
  if (o.at !== null) {
    const at = o.at ?? { lat: 53.46, lng: -2.3 };
    const [loc] = await db
      .insert(schema.locations)
      .values({
        organizationId,
        name: 'Hall',
        address1: '1 High Street',
        city: 'Manchester',
        postcode: 'M13 9PL',
        geom: sql`ST_SetSRID(ST_MakePoint(${at.lng}, ${at.lat}), 4326)` as unknown as string,
      })
      .returning();
    await db.insert(schema.serviceAtLocations).values({ serviceId: id, locationId: loc!.id });
  }
  for (const code of o.terms ?? []) {
    await db.execute(
      sql`insert into service_taxonomy (service_id, taxonomy_term_id) select ${id}, id from taxonomy_terms where code = ${code}`,
    );
  }
  for (const a of o.areas ?? []) await db.insert(schema.serviceAreas).values({ serviceId: id, ...a });
  for (const code of o.languages ?? [])
    await db.insert(schema.serviceLanguages).values({ serviceId: id, code, name: code });
  for (const sc of o.schedules ?? []) {
    await db.insert(schema.schedules).values({
      serviceId: id,
      byday: sc.byday,
      opensAt: sc.opensAt ?? null,
      closesAt: sc.closesAt ?? null,
    });
  }
  return { id, organizationId };
}

/** Point `km` kilometres north (bearing 0) or east (bearing 90) of a point, on the sphere of shared/geo. */
export function offset(from: { lat: number; lng: number }, km: number, bearingDeg: number) {
  const R = 6371.0088;
  const d = km / R;
  const b = (bearingDeg * Math.PI) / 180;
  const lat1 = (from.lat * Math.PI) / 180;
  const lng1 = (from.lng * Math.PI) / 180;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 =
    lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: (lat2 * 180) / Math.PI, lng: (lng2 * 180) / Math.PI };
}

/** Inserts many services at once (one location each, stated free) for an organisation; returns their ids in input order. */
export async function placeMany(
  db: Db,
  organizationId: string,
  points: { lat: number; lng: number; status?: string | null }[],
): Promise<string[]> {
  if (!points.length) return [];
  const list = (values: (string | number | null | undefined)[]) =>
    `{${values.map((v) => (v == null ? 'NULL' : String(v))).join(',')}}`;
  const rows = await query<{ id: string }>(
    db,
    sql`with p as (select * from unnest(${list(points.map((p) => p.lat))}::float8[], ${list(points.map((p) => p.lng))}::float8[],
                                         ${list(points.map((p) => (p.status === undefined ? 'accepting' : p.status)))}::text[])
                    with ordinality as p(lat, lng, status, i)),
         s as (insert into services (organization_id, name, is_free, capacity_status, capacity_confirmed_at)
               select ${organizationId}, 'Point ' || i, true, status, case when status is null then null else now() end
               from p order by i returning id, name),
         l as (insert into locations (organization_id, name, geom)
               select ${organizationId}, 'Point ' || i, ST_SetSRID(ST_MakePoint(lng, lat), 4326) from p order by i
               returning id, name),
         x as (insert into service_at_locations (service_id, location_id)
               select s.id, l.id from s join l on l.name = s.name)
     select s.id from s order by substring(s.name from 7)::int`,
  );
  return rows.map((r) => r.id);
}
