/** Queries of the areas API: geocoding, point-in-area lookup, PCN/ICB profiles and GeoJSON layers. Plain rows out. */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db';
import type { BboxValue } from '../../../shared/schemas/common';

/** A geocoded place. */
export interface PlaceRow {
  /** Display label of the postcode, sector or district. */
  label: string;
  /** Latitude, decimal degrees. */
  lat: number;
  /** Longitude, decimal degrees. */
  lng: number;
}

/** Looks up a full postcode by its no-space key. */
export async function findPostcode(db: Db, key: string): Promise<PlaceRow | undefined> {
  const [row] = await query<PlaceRow>(db, sql`select postcode as label, lat, lng from postcodes where key = ${key}`);
  return row;
}

/** Looks up a sector or district centroid. */
export async function findPostcodeArea(
  db: Db,
  kind: 'sector' | 'district',
  key: string,
): Promise<PlaceRow | undefined> {
  const [row] = await query<PlaceRow>(
    db,
    sql`select label, lat, lng from postcode_areas where kind = ${kind} and key = ${key}`,
  );
  return row;
}

/** The areas containing a point. */
export interface AreasAtRow {
  lsoa_code: string | null;
  lsoa_name: string | null;
  lad_name: string | null;
  pcn_code: string | null;
  pcn_name: string | null;
  sub_icb_code: string | null;
  sub_icb_name: string | null;
  icb_code: string | null;
  icb_name: string | null;
}

/** Finds the LSOA (and its approximate PCN), sub-ICB and ICB containing a point. */
export async function findAreasAt(db: Db, lat: number, lng: number): Promise<AreasAtRow> {
  const [row] = await query<AreasAtRow>(
    db,
    sql`
    with pt as (select ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326) as g),
    l as (select l.* from lsoas l, pt where ST_Intersects(l.geom, pt.g) limit 1),
    s as (select s.code, s.name from sub_icbs s, pt where ST_Intersects(s.geom, pt.g) limit 1),
    i as (select i.code, i.name from icbs i, pt where ST_Intersects(i.geom, pt.g) limit 1)
    select l.code as lsoa_code, l.name as lsoa_name, l.lad_name,
           p.code as pcn_code, p.name as pcn_name,
           coalesce(s.code, l.sub_icb_code) as sub_icb_code, coalesce(s.name, ls.name) as sub_icb_name,
           coalesce(i.code, l.icb_code) as icb_code, coalesce(i.name, li.name) as icb_name
    from (select 1) one
    left join l on true
    left join pcns p on p.code = l.pcn_code
    left join s on true
    left join i on true
    left join sub_icbs ls on ls.code = l.sub_icb_code
    left join icbs li on li.code = l.icb_code`,
  );
  return row!;
}

/** An area with its indicators (indicator → value) from area_indicators. */
export interface AreaProfileRow {
  code: string;
  name: string;
  icb_code: string | null;
  sub_icb_code: string | null;
  indicators: Record<string, number>;
}

/** Lists ICBs with their derived indicators. */
export async function listIcbs(db: Db): Promise<AreaProfileRow[]> {
  return query<AreaProfileRow>(
    db,
    sql`select i.code, i.name, i.code as icb_code, null as sub_icb_code, coalesce(x.indicators, '{}'::jsonb) as indicators
        from icbs i left join lateral (${indicatorsOf('icb', sql`i.code`)}) x on true order by i.name`,
  );
}

/** Lists PCNs (optionally of one ICB, by ODS or ONS code) with their indicators. */
export async function listPcns(db: Db, icb?: string): Promise<AreaProfileRow[]> {
  const where = icb ? sql`where p.icb_code = (select code from icbs where code = ${icb} or ons_code = ${icb})` : sql``;
  return query<AreaProfileRow>(
    db,
    sql`select p.code, p.name, p.icb_code, p.sub_icb_code, coalesce(x.indicators, '{}'::jsonb) as indicators
        from pcns p left join lateral (${indicatorsOf('pcn', sql`p.code`)}) x on true ${where} order by p.name`,
  );
}

/** Whether an ICB code (ODS or ONS) exists. */
export async function icbExists(db: Db, icb: string): Promise<boolean> {
  const rows = await query<{ code: string }>(db, sql`select code from icbs where code = ${icb} or ons_code = ${icb}`);
  return rows.length > 0;
}

// PCN-level figures that come from their own files (age, workforce) or are derived: the newest period of each.
function indicatorsOf(areaType: string, code: ReturnType<typeof sql>) {
  return sql`select jsonb_object_agg(indicator, value) as indicators from (
      select distinct on (indicator) indicator, value from area_indicators
      where area_type = ${areaType} and area_code = ${code}
      order by indicator, period desc) v`;
}

/** One practice of a PCN. */
export interface PracticeRow {
  code: string;
  name: string;
  postcode: string | null;
  list_size: number;
  lat: number | null;
  lng: number | null;
}

/** The practices of a PCN. */
export async function listPracticesOfPcn(db: Db, pcn: string): Promise<PracticeRow[]> {
  return query<PracticeRow>(
    db,
    sql`select code, name, postcode, list_size, ST_Y(location) as lat, ST_X(location) as lng
        from practices where pcn_code = ${pcn} order by name`,
  );
}

/** Names of an ICB and sub-ICB, for a profile. */
export async function findPcn(
  db: Db,
  code: string,
): Promise<
  | (AreaProfileRow & {
      icb_name: string;
      sub_icb_name: string | null;
      lsoa_count: number;
      centroid_lat: number | null;
      centroid_lng: number | null;
    })
  | undefined
> {
  const [row] = await query<
    AreaProfileRow & {
      icb_name: string;
      sub_icb_name: string | null;
      lsoa_count: number;
      centroid_lat: number | null;
      centroid_lng: number | null;
    }
  >(
    db,
    sql`select p.code, p.name, p.icb_code, p.sub_icb_code, i.name as icb_name, s.name as sub_icb_name,
               ST_Y(p.centroid) as centroid_lat, ST_X(p.centroid) as centroid_lng,
               (select count(*)::int from lsoas l where l.pcn_code = p.code) as lsoa_count,
               coalesce(x.indicators, '{}'::jsonb) as indicators
        from pcns p join icbs i on i.code = p.icb_code left join sub_icbs s on s.code = p.sub_icb_code
        left join lateral (${indicatorsOf('pcn', sql`p.code`)}) x on true
        where p.code = ${code}`,
  );
  return row;
}

/** A polygon feature row: code, name and geometry as GeoJSON text. */
export interface ShapeRow {
  code: string;
  name: string;
  icb_code: string | null;
  geometry: string;
}

/** PCN catchment polygons (optionally of one ICB), simplified by `tolerance` degrees, 4 decimals (~10 m). */
export async function pcnShapes(db: Db, tolerance: number, icb?: string): Promise<ShapeRow[]> {
  const where = icb ? sql`and p.icb_code = (select code from icbs where code = ${icb} or ons_code = ${icb})` : sql``;
  return query<ShapeRow>(
    db,
    sql`select p.code, p.name, p.icb_code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(p.geom, ${tolerance}), 4) as geometry
        from pcns p where p.geom is not null ${where} order by p.code`,
  );
}

/** ICB polygons simplified by `tolerance` degrees. */
export async function icbShapes(db: Db, tolerance: number): Promise<ShapeRow[]> {
  return query<ShapeRow>(
    db,
    sql`select code, name, code as icb_code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ${tolerance}), 4) as geometry
        from icbs where geom is not null order by code`,
  );
}

/** LSOA polygons and indicators intersecting a bounding box. */
export async function lsoaShapes(
  db: Db,
  bbox: BboxValue,
): Promise<(ShapeRow & { pcn_code: string | null; indicators: Record<string, number> })[]> {
  return query(
    db,
    sql`select l.code, l.name, l.icb_code, l.pcn_code, ST_AsGeoJSON(l.geom, 5) as geometry,
               coalesce(x.indicators, '{}'::jsonb) as indicators
        from lsoas l
        left join lateral (select jsonb_object_agg(indicator, value) as indicators from area_indicators
                           where area_type = 'lsoa' and area_code = l.code) x on true
        where l.geom && ST_MakeEnvelope(${bbox.west}, ${bbox.south}, ${bbox.east}, ${bbox.north}, 4326)
        order by l.code`,
  );
}

/** A version string that changes whenever reference data is (re)imported: keys caches and ETags. */
export async function referenceVersion(db: Db): Promise<string> {
  const [row] = await query<{ v: string | null }>(
    db,
    sql`select coalesce(max(imported_at)::text, 'empty') || ':' || count(*)::text as v from dataset_imports`,
  );
  return row?.v ?? 'empty';
}
