/**
 * SQL of service search and the search map, over the derived `service_search` table (one row per public
 * service-at-location, kept current by triggers: see docs/search.md). Plain rows out.
 */
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import { query, queryPrepared, schema, type Db } from '../../db';
import { EARTH_RADIUS_KM } from '../../../shared/geo/distance';
import type { BboxValue } from '../../../shared/schemas/common';
import type { SearchSort } from '../../../shared/schemas/search';

/** A centre. */
export interface CentreRow {
  label: string;
  lat: number;
  lng: number;
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
  /** Hide imported services their feed stopped carrying before this instant (services.missing_since). */
  missingBefore?: Date | null;
}

/** Conditions on `service_search e` for the filters. */
function filterConditions(f: FilterParams): SQL[] {
  const c: SQL[] = [];
  if (f.termIds.length) c.push(sql`e.term_ids && ${uuidArray(f.termIds)}`);
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
  if (f.missingBefore)
    c.push(sql`not exists (select 1 from services ms where ms.id = e.service_id
      and ms.missing_since < ${f.missingBefore.toISOString()}::timestamptz)`);
  return c;
}

// Arrays as one parameter each, so a statement's text does not depend on the values (prepared statements).
function uuidArray(ids: string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
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

/**
 * A lower bound (km) on the great-circle distance from a centre of any point within `radiusKm` of it whose planar
 * degree distance from it is at least `planarDeg`: what a nearest-neighbour scan in the GiST index's (degree) order
 * guarantees about the rows it has not reached. With Δφ² + Δλ² ≥ D² and every latitude within the radius's box,
 * hav θ = hav Δφ + cos φ cos φ₀ hav Δλ ≥ c² (hav Δφ + hav Δλ) ≥ c² D²/4 (1 − Y²/3), so θ ≥ c D √(1 − Y²/3), where c is
 * the cosine of the box's most poleward latitude and Y half its largest side (radians). The index keeps float4
 * boxes, so D is first reduced by 2e-5° (about 2 m).
 */
export function planarReachKm(lat: number, radiusKm: number, planarDeg: number): number {
  const box = degreeBox(lat, 0, radiusKm);
  const rad = Math.PI / 180;
  const c = Math.cos(Math.min(90, Math.max(Math.abs(box.north), Math.abs(box.south))) * rad);
  const y = (Math.max(box.north - box.south, box.east - box.west) / 2) * rad;
  const d = Math.max(0, planarDeg - 2e-5) * rad;
  return EARTH_RADIUS_KM * c * d * Math.sqrt(Math.max(0, 1 - (y * y) / 3)) * (1 - 1e-9);
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
  /** Nearest-neighbour pass only: rows the scan fetched, and the planar distance of the farthest (degrees). */
  fetched?: number;
  reach_deg?: number | null;
  /** What the result presents (joined in the same statement). */
  details: PageDetails;
}

/** The service, organisation, categories, location and referral pressure a hit presents. */
export interface PageDetails {
  organizationId: string;
  organizationName: string;
  name: string;
  description: string;
  deliveryModes: string[];
  isFree: boolean | null;
  capacityStatus: string | null;
  capacityPlaces: number | null;
  capacityWaitDays: number | null;
  capacityWaitlistBand: string | null;
  capacitySessionPlaces: number | null;
  capacityNote: string | null;
  capacitySetBy: string | null;
  /** ISO text (JSON) */
  capacitySetAt: string | null;
  capacityConfirmedAt: string | null;
  version: number;
  categories: { code: string; name: string }[];
  location: {
    id: string;
    name: string | null;
    address1: string | null;
    city: string | null;
    postcode: string | null;
    lat: number;
    lng: number;
  } | null;
  highPressure: boolean;
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
    /**
     * Nearest-neighbour pass around a centre: only the `knn` rows nearest the centre (within the radius, matching the
     * filters), in index order, and no remote services. Each row then carries `fetched` and `reach_deg`, from which
     * the caller decides whether the page is exact (see nearestPass in domain.ts).
     */
    knn?: number;
    /** Whether a service (an SQL id expression) is under high referral pressure: the demand feature's rule. */
    pressure: (serviceId: SQL) => SQL;
  },
): Promise<SearchHitRow[]> {
  const { where, filters, sort, now } = args;
  const conds = filterConditions(filters);
  const filterSql = conds.length ? sql` and ${and(...conds)}` : sql``;
  const rank = filters.q ? sql`ts_rank(e.tsv, websearch_to_tsquery('english', ${filters.q}), 32)` : sql`0::float8`;
  const cols = sql`e.service_id, e.location_id, e.lat, e.lng, e.capacity_status, e.capacity_confirmed_at, e.term_ids`;

  let candidates: SQL;
  let radius: number;
  let prelude = sql``;
  let reach = sql``;
  if (where.kind === 'bbox') {
    radius = RELEVANCE.bboxRadiusKm;
    candidates = sql`select ${cols}, null::float8 as d, false as by_area, ${rank} as rk
      from service_search e where e.geom && ${envelope(where.bbox)}${filterSql}`;
  } else {
    radius = where.radiusKm;
    const d = distanceKm(where.lat, where.lng);
    let near: SQL;
    if (where.kind === 'centre' && args.knn) {
      // The GiST index in (planar, degree) distance order, bounded by the radius's box so a rare filter cannot
      // scan England; the planner estimates the box well and picks the ordered index scan (or, for few rows, a sort).
      const c = sql`ST_SetSRID(ST_MakePoint(${where.lng}::float8, ${where.lat}::float8), 4326)`;
      prelude = sql`knn as materialized (select ${cols}${filters.q ? sql`, e.tsv` : sql``}, e.geom <-> ${c} as pd
          from service_search e
          where e.geom && ${envelope(degreeBox(where.lat, where.lng, where.radiusKm))}${filterSql}
          order by e.geom <-> ${c} limit ${args.knn}),
        knn_reach as (select count(*)::int as fetched, max(pd) as reach_deg from knn), `;
      near = sql`select ${cols}, ${d} as d, false as by_area, ${rank} as rk from knn e where ${d} <= ${where.radiusKm}::float8`;
      reach = sql`, (select fetched from knn_reach) as fetched, (select reach_deg from knn_reach) as reach_deg`;
    } else if (where.kind === 'centre') {
      near = sql`select ${cols}, ${d} as d, false as by_area, ${rank} as rk from service_search e
        where e.geom && ${envelope(degreeBox(where.lat, where.lng, where.radiusKm))}
          and ${d} <= ${where.radiusKm}::float8${filterSql}`;
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
      (where.areaKeys === null || where.areaKeys.length) && !args.knn
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

  // The page, then what it presents (service, organisation, categories, location, pressure) in the same statement.
  return queryPrepared<SearchHitRow>(
    db,
    sql`with ${prelude}cand as (${candidates}),
      best as (select distinct on (service_id) * from cand order by service_id, by_area, d nulls last, location_id),
      keyed as (select b.service_id, b.location_id, b.lat, b.lng, b.d, b.by_area, b.term_ids, (${key})::float8 as k
                from best b),
      page as (select *${reach} from keyed ${after} order by k, service_id limit ${args.limit})
      select p.*, json_build_object(
          'organizationId', s.organization_id, 'organizationName', o.name, 'name', s.name,
          'description', s.description, 'deliveryModes', s.delivery_modes, 'isFree', s.is_free,
          'capacityStatus', s.capacity_status, 'capacityPlaces', s.capacity_places,
          'capacityWaitDays', s.capacity_wait_days, 'capacityWaitlistBand', s.capacity_waitlist_band,
          'capacitySessionPlaces', s.capacity_session_places, 'capacityNote', s.capacity_note,
          'capacitySetBy', s.capacity_set_by, 'capacitySetAt', s.capacity_set_at,
          'capacityConfirmedAt', s.capacity_confirmed_at, 'version', s.version,
          'categories', coalesce((select json_agg(json_build_object('code', t.code, 'name', t.name) order by t.code)
                                  from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
                                  where st.service_id = s.id), '[]'::json),
          'location', case when l.id is null then null else json_build_object('id', l.id, 'name', l.name,
                        'address1', l.address_1, 'city', l.city, 'postcode', l.postcode,
                        'lat', ST_Y(l.geom), 'lng', ST_X(l.geom)) end,
          'highPressure', ${args.pressure(sql`p.service_id`)}) as details
      from page p
      join services s on s.id = p.service_id
      join organizations o on o.id = s.organization_id
      left join locations l on l.id = p.location_id
      order by p.k, p.service_id`,
  );
}

/** Number of mappable rows in a box, counting at most `cap` (cheap "are there too many?" test). */
export async function countInBox(db: Db, bbox: BboxValue, filters: FilterParams, cap: number): Promise<number> {
  const conds = filterConditions(filters);
  const filterSql = conds.length ? sql` and ${and(...conds)}` : sql``;
  const [row] = await query<{ n: number }>(
    db,
    // Ordered by distance from the box's centre so the GiST index answers: with a plain LIMIT the planner, seeing
    // thousands of rows in a region, prefers a sequential scan that stops early, and reads much of the table
    // before it finds `cap` rows of a region that the table does not store together (100 ms+ on PGlite, cold).
    sql`select count(*)::int as n from (select 1 from service_search e
        where e.geom && ${envelope(bbox)}${filterSql}
        order by e.geom <-> ST_SetSRID(ST_MakePoint(${(bbox.west + bbox.east) / 2}::float8,
                                                     ${(bbox.south + bbox.north) / 2}::float8), 4326)
        limit ${cap}) x`,
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

/**
 * For bulk writes (imports): turns off the per-row search-index triggers for the rest of the transaction. The caller
 * must call refreshSearchIndex with every service it touched before committing.
 */
export async function deferSearchIndex(tx: Db): Promise<void> {
  await tx.execute(sql`select set_config('signpost.search_defer', 'on', true)`);
}

/**
 * Rebuilds the search rows of these services in set-based statements, two per slice of services (instead of one refresh per written row,
 * which made a 10,000-row import spend most of its time in triggers), with the triggers back on so that the map grid
 * follows. Inside the transaction that wrote them.
 */
export async function refreshSearchIndex(tx: Db, serviceIds: readonly string[]): Promise<void> {
  await tx.execute(sql`select set_config('signpost.search_defer', 'off', true)`);
  // In slices, so that no single statement holds the embedded engine (one connection) for long.
  for (let i = 0; i < serviceIds.length; i += REFRESH_SLICE) {
    const ids = sql`${sql.param(serviceIds.slice(i, i + REFRESH_SLICE))}::uuid[]`;
    await tx.execute(sql`delete from service_search where service_id = any(${ids})`);
    await tx.execute(sql`insert into service_search (service_id, location_id, organization_id, geom, lat, lng, tsv, term_ids,
        modes, languages, area_codes, open_days, min_age, max_age, is_free, remote, capacity_status, capacity_confirmed_at)
      select service_id, location_id, organization_id, geom, lat, lng, tsv, term_ids, modes, languages, area_codes,
        open_days, min_age, max_age, is_free, remote, capacity_status, capacity_confirmed_at
      from service_search_source where service_id = any(${ids})`);
  }
}

/** Services whose search rows one statement of refreshSearchIndex rebuilds. */
const REFRESH_SLICE = 500;
