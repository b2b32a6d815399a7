/**
 * SQL of service search and the search map, over the derived `service_search` table (one row per public
 * service-at-location, kept current by triggers: see docs/search.md). Plain rows out.
 */
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';
import { EARTH_RADIUS_KM } from '../../../shared/geo/distance';
import type { BboxValue } from '../../../shared/schemas/common';
import type { SearchSort } from '../../../shared/schemas/search';

/** A geocoded centre. */
export interface CentreRow {
  label: string;
  lat: number;
  lng: number;
}

/** Looks up a full postcode by its no-space key. */
export async function findPostcode(db: Db, key: string): Promise<CentreRow | undefined> {
  const [row] = await query<CentreRow>(db, sql`select postcode as label, lat, lng from postcodes where key = ${key}`);
  return row;
}

/** Looks up a sector or district centroid. */
export async function findPostcodeArea(
  db: Db,
  kind: 'sector' | 'district',
  key: string,
): Promise<CentreRow | undefined> {
  const [row] = await query<CentreRow>(
    db,
    sql`select label, lat, lng from postcode_areas where kind = ${kind} and key = ${key}`,
  );
  return row;
}

/**
 * The service-area keys (`type:code`, and `england`) covering a point, as one SQL expression (text[]): its LSOA's
 * PCN, sub-ICB, ICB (ODS and ONS codes) and local authority. Empty outside England's LSOAs. Used as a subquery of the
 * search statement, so it costs no round trip of its own.
 */
function areaKeysSql(lat: number, lng: number): SQL {
  return sql`coalesce((select array_remove(array['england', 'pcn:' || l.pcn_code, 'sub_icb:' || l.sub_icb_code,
          'sub_icb:' || s.ons_code, 'icb:' || l.icb_code, 'icb:' || i.ons_code, 'lad:' || l.lad_code], null)
        from lsoas l
        left join sub_icbs s on s.code = l.sub_icb_code
        left join icbs i on i.code = l.icb_code
        where ST_Intersects(l.geom, ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326))
        limit 1), '{}'::text[])`;
}

/** A PCN as a search centre: its catchment's centroid and the area keys it covers. */
export interface PcnCentreRow extends CentreRow {
  code: string;
  keys: string[];
}

/** Looks up a PCN: centre (catchment centroid) and its area keys (PCN, sub-ICB, ICB, local authorities). */
export async function findPcnCentre(db: Db, code: string): Promise<PcnCentreRow | undefined> {
  const [row] = await query<PcnCentreRow & { lat: number | null }>(
    db,
    sql`select p.code, p.name as label,
          ST_Y(coalesce(p.centroid, ST_PointOnSurface(p.geom))) as lat,
          ST_X(coalesce(p.centroid, ST_PointOnSurface(p.geom))) as lng,
          array_remove(array['england', 'pcn:' || p.code, 'sub_icb:' || p.sub_icb_code, 'sub_icb:' || s.ons_code,
            'icb:' || p.icb_code, 'icb:' || i.ons_code], null)
            || coalesce(array(select distinct 'lad:' || l.lad_code from lsoas l where l.pcn_code = p.code
                              and l.lad_code is not null), '{}') as keys
        from pcns p
        left join sub_icbs s on s.code = p.sub_icb_code
        left join icbs i on i.code = p.icb_code
        where p.code = ${code}`,
  );
  if (!row || row.lat == null) return undefined;
  return row;
}

/** Taxonomy terms by code (exact). */
export async function findTermsByCodes(db: Db, codes: string[]): Promise<{ id: string; code: string; name: string }[]> {
  if (!codes.length) return [];
  return db
    .select({ id: schema.taxonomyTerms.id, code: schema.taxonomyTerms.code, name: schema.taxonomyTerms.name })
    .from(schema.taxonomyTerms)
    .where(inArray(schema.taxonomyTerms.code, codes));
}

/** Resolved "what" and capacity filters. */
export interface FilterParams {
  termIds: string[];
  q: string | null;
  age: number | null;
  language: string | null;
  modes: string[];
  free: boolean | null;
  openOn: { day: string; time: string | null } | null;
  /** Capacity statuses to keep; null = every status, and never-set capacity too. */
  statuses: string[] | null;
  /** Drop capacity not confirmed since this instant; null = keep unconfirmed. */
  confirmedSince: Date | null;
}

/** Conditions on `service_search e` for the filters. */
function filterConditions(f: FilterParams): SQL[] {
  const c: SQL[] = [];
  if (f.termIds.length) c.push(sql`e.term_ids && ${sql.raw(uuidArray(f.termIds))}`);
  if (f.q) c.push(sql`e.tsv @@ websearch_to_tsquery('english', ${f.q})`);
  if (f.age != null) {
    c.push(
      sql`(e.min_age is null or e.min_age <= ${f.age}::float8) and (e.max_age is null or e.max_age >= ${f.age}::float8)`,
    );
  }
  if (f.language) {
    // English is assumed for services that list no language.
    c.push(
      f.language === 'en'
        ? sql`(${f.language} = any(e.languages) or cardinality(e.languages) = 0)`
        : sql`${f.language} = any(e.languages)`,
    );
  }
  if (f.modes.length) c.push(sql`e.modes && ${textArray(f.modes)}`);
  if (f.free != null) c.push(sql`e.is_free = ${f.free}`);
  if (f.openOn) {
    c.push(sql`${f.openOn.day} = any(e.open_days)`);
    if (f.openOn.time) {
      c.push(sql`exists (select 1 from schedules sc where sc.service_id = e.service_id
        and sc.byday ~ ${`(^|,)\\s*-?[0-9]?${f.openOn.day}\\s*(,|$)`}
        and sc.opens_at <= ${f.openOn.time}::time and sc.closes_at > ${f.openOn.time}::time)`);
    }
  }
  if (f.statuses) c.push(sql`e.capacity_status = any(${textArray(f.statuses)})`);
  if (f.confirmedSince) c.push(sql`e.capacity_confirmed_at >= ${f.confirmedSince.toISOString()}::timestamptz`);
  return c;
}

// Arrays as literals: ids are validated UUIDs (from the database), so they are safe to inline; text goes as a param.
function uuidArray(ids: string[]): string {
  for (const id of ids) if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error('not a uuid');
  return `array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`;
}
function textArray(values: string[]): SQL {
  return sql`string_to_array(${values.join('\u001f')}, ${'\u001f'})::text[]`;
}

/** Great-circle distance (km) of `e` from a centre, the haversine formula with shared/geo's Earth radius. */
function distanceKm(lat: number, lng: number): SQL {
  return sql`(${2 * EARTH_RADIUS_KM}::float8 * asin(least(1, sqrt(
    power(sin(radians(e.lat - ${lat}::float8) / 2), 2)
    + cos(radians(${lat}::float8)) * cos(radians(e.lat)) * power(sin(radians(e.lng - ${lng}::float8) / 2), 2)))))`;
}

/** Degree box around a centre that contains every point within `km` (with a small margin). */
export function degreeBox(lat: number, lng: number, km: number): BboxValue {
  const dLat = (km / ((Math.PI * EARTH_RADIUS_KM) / 180)) * 1.01 + 1e-6;
  const poleward = Math.min(89.9, Math.abs(lat) + dLat);
  const dLng = Math.min(180, dLat / Math.cos((poleward * Math.PI) / 180));
  return {
    west: Math.max(-180, lng - dLng),
    east: Math.min(180, lng + dLng),
    south: Math.max(-90, lat - dLat),
    north: Math.min(90, lat + dLat),
  };
}

const envelope = (b: BboxValue) => sql`ST_MakeEnvelope(${b.west}, ${b.south}, ${b.east}, ${b.north}, 4326)`;

/** Where to search. */
export type WhereParams =
  /** areaKeys null: the keys at the centre, looked up inside the search statement (no extra round trip). */
  | { kind: 'centre'; lat: number; lng: number; radiusKm: number; areaKeys: string[] | null }
  | { kind: 'pcn'; code: string; lat: number; lng: number; radiusKm: number; areaKeys: string[] }
  | { kind: 'bbox'; bbox: BboxValue };

/** Relevance penalty weights (fractions of the radius): see docs/search.md. */
export const RELEVANCE = {
  status: { accepting: 0, limited: 0.1, waitlist: 0.3, not_accepting: 0.6 } as Record<string, number>,
  neverSet: 0.5,
  unconfirmed: 0.2,
  keyword: 0.2,
  /** Radius used for relevance when there is no centre (bbox search), km. */
  bboxRadiusKm: 10,
} as const;

/** One search hit: a service at its nearest location (or a remote service covering the area). */
export interface SearchHitRow {
  service_id: string;
  location_id: string | null;
  lat: number | null;
  lng: number | null;
  d: number | null;
  by_area: boolean;
  k: number;
  term_ids: string[];
}

/** The keyset position after which a page starts. */
export interface KeysetPosition {
  k: number;
  id: string;
}

/** Runs a search page: at most `limit` hits after `after`, in the order of `sort`. */
export async function searchPage(
  db: Db,
  args: {
    where: WhereParams;
    filters: FilterParams;
    sort: SearchSort;
    now: Date;
    staleDays: number;
    after: KeysetPosition | null;
    limit: number;
    /** Only look this far from a centre (a first, cheaper pass; remote services left out); default the radius. */
    withinKm?: number;
  },
): Promise<SearchHitRow[]> {
  const { where, filters, sort, now } = args;
  const conds = filterConditions(filters);
  const filterSql = conds.length ? sql` and ${and(...conds)}` : sql``;
  const rank = filters.q ? sql`ts_rank(e.tsv, websearch_to_tsquery('english', ${filters.q}), 32)` : sql`0::float8`;
  const cols = sql`e.service_id, e.location_id, e.lat, e.lng, e.capacity_status, e.capacity_confirmed_at, e.term_ids`;

  let candidates: SQL;
  let radius: number;
  if (where.kind === 'bbox') {
    radius = RELEVANCE.bboxRadiusKm;
    candidates = sql`select ${cols}, null::float8 as d, false as by_area, ${rank} as rk
      from service_search e where e.geom && ${envelope(where.bbox)}${filterSql}`;
  } else {
    radius = where.radiusKm;
    const d = distanceKm(where.lat, where.lng);
    let near: SQL;
    const within = Math.min(args.withinKm ?? where.radiusKm, where.radiusKm);
    if (where.kind === 'centre') {
      near = sql`select ${cols}, ${d} as d, false as by_area, ${rank} as rk from service_search e
        where e.geom && ${envelope(degreeBox(where.lat, where.lng, within))}
          and ${d} <= ${within}::float8${filterSql}`;
    } else {
      // In or near the PCN's catchment: inside it, or within radiusKm of its edge.
      const deg = degreeBox(0, 0, where.radiusKm).north * 2;
      near = sql`select ${cols}, ${d} as d, false as by_area, ${rank} as rk
        from service_search e, (select geom from pcns where code = ${where.code}) p
        where p.geom is not null and e.geom && ST_Expand(p.geom, ${deg}::float8)
          and (ST_Intersects(p.geom, e.geom)
               or ST_DistanceSphere(e.geom, ST_ClosestPoint(p.geom, e.geom)) <= ${where.radiusKm * 1000}::float8)${filterSql}`;
    }
    const keys = where.areaKeys ? textArray(where.areaKeys) : areaKeysSql(where.lat, where.lng);
    const remote =
      (where.areaKeys === null || where.areaKeys.length) && args.withinKm === undefined
        ? sql` union all select ${cols}, case when e.lat is null then null else ${d} end as d, true as by_area, ${rank} as rk
          from service_search e where e.remote and e.area_codes && ${keys}${filterSql}`
        : sql``;
    candidates = sql`${near}${remote}`;
  }

  const stale = new Date(now.getTime() - args.staleDays * 86_400_000).toISOString();
  const statusWeights = Object.entries(RELEVANCE.status)
    .map(([s, w]) => `when '${s}' then ${w}`)
    .join(' ');
  const penalty = sql`(case when b.capacity_status is null then ${RELEVANCE.neverSet}::float8
      else (case b.capacity_status ${sql.raw(statusWeights)} else 0.6 end)
        + (case when b.capacity_confirmed_at is null or b.capacity_confirmed_at < ${stale}::timestamptz
                then ${RELEVANCE.unconfirmed}::float8 else 0 end) end)`;
  const key =
    sort === 'distance'
      ? sql`coalesce(b.d, 1e9::float8)`
      : sort === 'updated'
        ? sql`-coalesce(extract(epoch from b.capacity_confirmed_at)::float8, 0)`
        : sql`(case when b.by_area or b.d is null then ${radius}::float8 else b.d end) + ${radius}::float8 * ${penalty} - ${radius * RELEVANCE.keyword}::float8 * b.rk`;
  const after = args.after ? sql`where (k, service_id) > (${args.after.k}::float8, ${args.after.id}::uuid)` : sql``;

  return query<SearchHitRow>(
    db,
    sql`with cand as (${candidates}),
      best as (select distinct on (service_id) * from cand order by service_id, by_area, d nulls last, location_id),
      keyed as (select b.service_id, b.location_id, b.lat, b.lng, b.d, b.by_area, b.term_ids, (${key})::float8 as k
                from best b)
      select * from keyed ${after} order by k, service_id limit ${args.limit}`,
  );
}

/** Services, organisations, locations and categories of a page of hits. */
export async function pageDetails(db: Db, serviceIds: string[], locationIds: string[]) {
  if (!serviceIds.length) return { services: [], organizations: [], locations: [], categories: [] };
  // All four at once (one round trip's wait): organisations by the page's services, in SQL.
  const [services, organizations, locations, categories] = await Promise.all([
    db.select().from(schema.services).where(inArray(schema.services.id, serviceIds)),
    db
      .select({ id: schema.organizations.id, name: schema.organizations.name })
      .from(schema.organizations)
      .where(
        inArray(
          schema.organizations.id,
          db
            .select({ id: schema.services.organizationId })
            .from(schema.services)
            .where(inArray(schema.services.id, serviceIds)),
        ),
      ),
    locationIds.length
      ? query<{
          id: string;
          name: string | null;
          address1: string | null;
          city: string | null;
          postcode: string | null;
          lat: number;
          lng: number;
        }>(
          db,
          sql`select id, name, address_1 as "address1", city, postcode, ST_Y(geom) as lat, ST_X(geom) as lng
              from locations where id in (${sql.join(
                locationIds.map((id) => sql`${id}::uuid`),
                sql`, `,
              )})`,
        )
      : Promise.resolve([]),
    query<{ service_id: string; id: string; code: string; name: string }>(
      db,
      sql`select st.service_id, t.id, t.code, t.name from service_taxonomy st
          join taxonomy_terms t on t.id = st.taxonomy_term_id
          where st.service_id in (${sql.join(
            serviceIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )}) order by t.code`,
    ),
  ]);
  return { services, organizations, locations, categories };
}

/** Number of mappable rows in a box, counting at most `cap` (cheap "are there too many?" test). */
export async function countInBox(db: Db, bbox: BboxValue, filters: FilterParams, cap: number): Promise<number> {
  const conds = filterConditions(filters);
  const filterSql = conds.length ? sql` and ${and(...conds)}` : sql``;
  const [row] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from service_search e
        where e.geom && ${envelope(bbox)}${filterSql} limit ${cap}) x`,
  );
  return row!.n;
}

/** One grid cell of the map. */
export interface ClusterRow {
  lat: number;
  lng: number;
  count: number;
  by_status: Record<string, number>;
}

/** Grid clusters of the rows in a box: cells of `cellDeg` degrees, placed at the mean of their points. */
export async function clustersInBox(
  db: Db,
  bbox: BboxValue,
  filters: FilterParams,
  cellDeg: number,
): Promise<ClusterRow[]> {
  const conds = filterConditions(filters);
  const filterSql = conds.length ? sql` and ${and(...conds)}` : sql``;
  return query<ClusterRow>(
    db,
    sql`select (sum(lat * n) / sum(n))::float8 as lat, (sum(lng * n) / sum(n))::float8 as lng, sum(n)::int as count,
          jsonb_object_agg(coalesce(status, 'null'), n) as by_status
        from (select floor(e.lng / ${cellDeg}::float8) as gx, floor(e.lat / ${cellDeg}::float8) as gy,
                     e.capacity_status as status, count(*) as n, avg(e.lat) as lat, avg(e.lng) as lng
              from service_search e where e.geom && ${envelope(bbox)}${filterSql}
              group by 1, 2, 3) g
        group by gx, gy`,
  );
}

/** One mappable point. */
export interface PointRow {
  service_id: string;
  name: string;
  lat: number;
  lng: number;
  capacity_status: string | null;
  capacity_confirmed_at: Date | string | null;
}

/** The points in a box (at most `limit`). */
export async function pointsInBox(db: Db, bbox: BboxValue, filters: FilterParams, limit: number): Promise<PointRow[]> {
  const conds = filterConditions(filters);
  const filterSql = conds.length ? sql` and ${and(...conds)}` : sql``;
  return query<PointRow>(
    db,
    sql`select e.service_id, s.name, e.lat, e.lng, e.capacity_status, e.capacity_confirmed_at
        from service_search e join services s on s.id = e.service_id
        where e.geom && ${envelope(bbox)}${filterSql}
        order by e.service_id, e.location_id limit ${limit}`,
  );
}

/** Levels of the pre-aggregated map grid (service_search_cells): cells of 45/2^level degrees. */
export const CELL_LEVELS = [7, 8, 10] as const;

/**
 * Grid clusters at `zoom` (≤ 10) from the pre-aggregated grid: the finest stored level at or above the zoom, merged
 * 2^(level − zoom) cells at a time. Cells overlapping the box count whole. Only the capacity status filter applies.
 */
export async function clustersFromCells(
  db: Db,
  bbox: BboxValue,
  statuses: string[] | null,
  zoom: number,
): Promise<ClusterRow[]> {
  const level: number = CELL_LEVELS.find((l) => l >= zoom) ?? 10;
  const cell = 45 / 2 ** level;
  const factor = 2 ** (level - Math.min(zoom, level));
  const statusSql = statuses ? sql` and status = any(${textArray(statuses)})` : sql``;
  return query<ClusterRow>(
    db,
    sql`select (sum(sum_lat) / sum(n))::float8 as lat, (sum(sum_lng) / sum(n))::float8 as lng, sum(n)::int as count,
          jsonb_object_agg(case when status = '' then 'null' else status end, n) as by_status
        from (select floor(gx / ${factor}::float8) as cx, floor(gy / ${factor}::float8) as cy, status,
                     sum(n) as n, sum(sum_lat) as sum_lat, sum(sum_lng) as sum_lng
              from service_search_cells
              where level = ${level} and n > 0
                and gx between ${Math.floor(bbox.west / cell)} and ${Math.floor(bbox.east / cell)}
                and gy between ${Math.floor(bbox.south / cell)} and ${Math.floor(bbox.north / cell)}${statusSql}
              group by 1, 2, 3) g
        where n > 0
        group by cx, cy`,
  );
}
