/** Queries of the gaps feature: set-based PCN inputs, reachable VCSE services, flags and suggestions. Plain rows out. */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../db';
import type { CapacityClass } from '../../../shared/gaps';

/** One PCN with its newest indicators (indicator → value; a missing figure has no key). */
export interface PcnInputRow {
  code: string;
  name: string;
  icb_code: string;
  icb_name: string;
  sub_icb_code: string | null;
  sub_icb_name: string | null;
  region_code: string | null;
  region_name: string | null;
  indicators: Record<string, number>;
}

/** The PCN indicators the analysis reads (need components, denominators, link workers). */
export const GAP_INDICATORS = [
  'population',
  'list_size',
  'imd2025_score',
  'pct_asian',
  'pct_black',
  'pct_disabled',
  'pct_65plus',
  'pct_households_deprived_2plus',
  'pct_rural',
  'splw_fte',
  'splw_fte_per_10k',
  'personalised_care_fte_per_10k',
];

/** Every PCN of England with its indicators, in one set-based query. */
export async function listPcnInputs(db: Db): Promise<PcnInputRow[]> {
  return query<PcnInputRow>(
    db,
    sql`with ind as (
          select distinct on (area_code, indicator) area_code, indicator, value
          from area_indicators where area_type = 'pcn' and indicator in ${GAP_INDICATORS}
          order by area_code, indicator, period desc
        ), agg as (select area_code, jsonb_object_agg(indicator, value) as indicators from ind group by area_code)
        select p.code, p.name, p.icb_code, i.name as icb_name, p.sub_icb_code, s.name as sub_icb_name,
               r.code as region_code, r.name as region_name, coalesce(a.indicators, '{}'::jsonb) as indicators
        from pcns p join icbs i on i.code = p.icb_code
        left join sub_icbs s on s.code = p.sub_icb_code
        left join regions r on r.code = i.region_code
        left join agg a on a.area_code = p.code
        order by p.code`,
  );
}

/** Turns JIT compilation off for the rest of the transaction (PostgreSQL; harmless where JIT is unavailable). */
export async function disableJit(tx: Db): Promise<void> {
  await tx.execute(sql`set local jit = off`);
}

/** Periods and sources of the imported datasets, for traceability. */
export async function listDatasetPeriods(db: Db): Promise<{ dataset: string; period: string; imported_at: string }[]> {
  return query(
    db,
    sql`select dataset, period, imported_at::text as imported_at from dataset_imports order by dataset, period`,
  );
}

/** Number of services of one PCN, reach mode, top-level category (null = all), capacity class and freshness. */
export interface SupplyRow {
  pcn_code: string;
  /** in_person (location inside the catchment or within reach of its centre) or remote (online/phone, area covered). */
  mode: 'in_person' | 'remote';
  /** Top-level taxonomy code; null on the overall rows; 'uncategorised' for services without a term. */
  category: string | null;
  cls: CapacityClass;
  confirmed: boolean;
  n: number;
}

/**
 * The (PCN, service, mode) pairs: a service is reachable in person from a PCN when one of its locations lies in an
 * LSOA of the catchment or within `reachKm` of the catchment's population-weighted centre; remote when it is
 * delivered online or by phone, one of its service areas covers the PCN, and it is not reachable in person.
 */
function pairsSql(staleDays: number, reachKm: number, pcn?: string): SQL {
  const onlyPcn = (col: SQL) => (pcn ? sql`and ${col} = ${pcn}` : sql``);
  return sql`
    svc as (
      select s.id, s.delivery_modes,
             coalesce(s.capacity_status, 'unset') as cls,
             (s.capacity_status is not null and s.capacity_confirmed_at is not null
              and s.capacity_confirmed_at >= now() - make_interval(days => ${staleDays})) as confirmed
      from services s join organizations o on o.id = s.organization_id
      where s.status = 'active' and o.status = 'approved'
    ),
    located as materialized (
      select ls.pcn_code, l.id as location_id
      from locations l join lsoas ls on ST_Intersects(ls.geom, l.geom)
      where l.geom is not null and ls.pcn_code is not null ${onlyPcn(sql`ls.pcn_code`)}
      union
      select p.code, l.id
      from pcns p
      join locations l on l.geom && ST_Expand(p.centroid, ${reachKm} / (111.32 * cos(radians(ST_Y(p.centroid)))), ${reachKm} / 110.57)
        and ST_DWithin(l.geom::geography, p.centroid::geography, ${reachKm * 1000})
      where p.centroid is not null ${onlyPcn(sql`p.code`)}
    ),
    reach as materialized (
      select distinct x.pcn_code, sal.service_id
      from located x join service_at_locations sal on sal.location_id = x.location_id
    ),
    remote as (
      select distinct p.code as pcn_code, sa.service_id
      from pcns p
      join icbs i on i.code = p.icb_code
      join service_areas sa on (
        sa.area_type = 'england'
        or (sa.area_type = 'icb' and sa.area_code in (i.code, i.ons_code))
        or (sa.area_type = 'sub_icb' and sa.area_code = p.sub_icb_code)
        or (sa.area_type = 'pcn' and sa.area_code = p.code)
        or (sa.area_type = 'lad' and exists (select 1 from lsoas ls where ls.pcn_code = p.code and ls.lad_code = sa.area_code)))
      where true ${onlyPcn(sql`p.code`)}
    ),
    pairs as (
      select r.pcn_code, r.service_id, 'in_person' as mode from reach r join svc v on v.id = r.service_id
      union all
      select r.pcn_code, r.service_id, 'remote' from remote r
      join svc v on v.id = r.service_id and v.delivery_modes && array['online', 'phone']::text[]
      where not exists (select 1 from reach x where x.pcn_code = r.pcn_code and x.service_id = r.service_id)
    ),
    tree as (
      select id, code as root from taxonomy_terms where parent_id is null
      union all
      select c.id, t.root from taxonomy_terms c join tree t on c.parent_id = t.id
    )`;
}

/** Counts of reachable services per PCN, mode, category, capacity class and freshness (overall rows: category null). */
export async function countSupply(db: Db, staleDays: number, reachKm: number): Promise<SupplyRow[]> {
  return query<SupplyRow>(
    db,
    sql`with recursive ${pairsSql(staleDays, reachKm)},
        cats as (
          select distinct pr.pcn_code, pr.service_id, pr.mode, coalesce(t.root, 'uncategorised') as category
          from pairs pr left join service_taxonomy st on st.service_id = pr.service_id
          left join tree t on t.id = st.taxonomy_term_id
        )
        select pr.pcn_code, pr.mode, null as category, v.cls, v.confirmed, count(*)::int as n
        from pairs pr join svc v on v.id = pr.service_id
        group by pr.pcn_code, pr.mode, v.cls, v.confirmed
        union all
        select c.pcn_code, c.mode, c.category, v.cls, v.confirmed, count(*)::int as n
        from cats c join svc v on v.id = c.service_id
        group by c.pcn_code, c.mode, c.category, v.cls, v.confirmed`,
  );
}

/** One service reachable from a PCN, for its profile. */
export interface ReachableServiceRow {
  id: string;
  name: string;
  organization_name: string;
  mode: 'in_person' | 'remote';
  cls: CapacityClass;
  confirmed: boolean;
  capacity_confirmed_at: string | null;
  categories: string[];
  funding_ends_on: string | null;
}

/** The services reachable from one PCN, with their categories and earliest funding end date from today. */
export async function listReachableServices(
  db: Db,
  pcn: string,
  staleDays: number,
  reachKm: number,
): Promise<ReachableServiceRow[]> {
  return query<ReachableServiceRow>(
    db,
    sql`with recursive ${pairsSql(staleDays, reachKm, pcn)}
        select s.id, s.name, o.name as organization_name, pr.mode, v.cls, v.confirmed,
               s.capacity_confirmed_at::text as capacity_confirmed_at,
               coalesce((select array_agg(distinct coalesce(t.root, 'uncategorised') order by coalesce(t.root, 'uncategorised'))
                         from service_taxonomy st left join tree t on t.id = st.taxonomy_term_id
                         where st.service_id = s.id), array['uncategorised']) as categories,
               (select min(f.ends_on)::text from funding f where f.service_id = s.id and f.ends_on >= current_date) as funding_ends_on
        from pairs pr join svc v on v.id = pr.service_id
        join services s on s.id = pr.service_id join organizations o on o.id = s.organization_id
        where pr.pcn_code = ${pcn}
        order by pr.mode, s.name, s.id`,
  );
}

/** PCN catchment polygons (optionally of one ICB) as GeoJSON text, simplified by `tolerance` degrees, 4 decimals. */
export async function pcnShapes(db: Db, tolerance: number, icb?: string) {
  return query<{ code: string; geometry: string }>(
    db,
    sql`select code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ${tolerance}), 4) as geometry
        from pcns where geom is not null ${icb ? sql`and icb_code = ${icb}` : sql``} order by code`,
  );
}

/** Top-level taxonomy categories (code and name). */
export async function listCategories(db: Db): Promise<{ code: string; name: string }[]> {
  return query(db, sql`select code, name from taxonomy_terms where parent_id is null order by name`);
}

/** The practices of a PCN. */
export async function listPractices(db: Db, pcn: string) {
  return query<{ code: string; name: string; postcode: string | null; list_size: number }>(
    db,
    sql`select code, name, postcode, list_size from practices where pcn_code = ${pcn} order by name`,
  );
}

/** A stamp that changes whenever the directory changes in a way the supply depends on (for the analysis cache). */
export async function directoryStamp(db: Db): Promise<string> {
  const [row] = await query<{ v: string }>(
    db,
    sql`select concat_ws(':',
          (select count(*) || '/' || coalesce(sum(version), 0) || '/' || coalesce(max(updated_at)::text, '') || '/' ||
                  coalesce(max(capacity_confirmed_at)::text, '') from services),
          (select count(*) || '/' || coalesce(max(updated_at)::text, '') from organizations),
          (select count(*) from locations), (select count(*) from service_at_locations),
          (select count(*) from service_areas), (select count(*) from service_taxonomy),
          (select count(*) from taxonomy_terms)) as v`,
  );
  return row?.v ?? '';
}

/** A version string of the reference data (newest import). */
export async function referenceVersion(db: Db): Promise<string> {
  const [row] = await query<{ v: string | null }>(
    db,
    sql`select coalesce(max(imported_at)::text, 'empty') || ':' || count(*)::text as v from dataset_imports`,
  );
  return row?.v ?? 'empty';
}

// ---------------------------------------------------------------------------------------------------------------
// Flags

/** A flag row. */
export interface FlagRow {
  id: string;
  pcn_code: string;
  pcn_name: string;
  icb_code: string;
  category: string | null;
  reason: string;
  evidence: string;
  status: string;
  owner_user_id: string | null;
  owner_name: string | null;
  origin: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const FLAG_SELECT = sql`select f.id, f.pcn_code, p.name as pcn_name, f.icb_code, f.category, f.reason, f.evidence, f.status,
         f.owner_user_id, u.name as owner_name, f.origin, f.created_by,
         to_char(f.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
         to_char(f.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at
       from gap_flags f join pcns p on p.code = f.pcn_code left join users u on u.id = f.owner_user_id`;

/** Flags, optionally of one ICB, status and PCN, newest first. */
export async function listFlags(db: Db, filter: { icb?: string; status?: string; pcn?: string }): Promise<FlagRow[]> {
  const conds = [sql`true`];
  if (filter.icb) conds.push(sql`f.icb_code = ${filter.icb}`);
  if (filter.status) conds.push(sql`f.status = ${filter.status}`);
  if (filter.pcn) conds.push(sql`f.pcn_code = ${filter.pcn}`);
  return query<FlagRow>(db, sql`${FLAG_SELECT} where ${sql.join(conds, sql` and `)} order by f.created_at desc, f.id`);
}

/** One flag (optionally locked for update). */
export async function findFlag(db: Db, id: string, forUpdate = false): Promise<FlagRow | undefined> {
  const [row] = await query<FlagRow>(
    db,
    sql`${FLAG_SELECT} where f.id = ${id} ${forUpdate ? sql`for update of f` : sql``}`,
  );
  return row;
}

/** A flag's history and comments, oldest first. */
export async function listFlagEvents(db: Db, flagId: string) {
  return query<{
    id: number;
    kind: string;
    from_value: string | null;
    to_value: string | null;
    body: string | null;
    actor_user_id: string;
    actor_name: string | null;
    at: string;
  }>(
    db,
    sql`select e.id::int as id, e.kind, e.from_value, e.to_value, e.body, e.actor_user_id, u.name as actor_name,
               to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
        from gap_flag_events e left join users u on u.id = e.actor_user_id
        where e.flag_id = ${flagId} order by e.at, e.id`,
  );
}

/** A PCN's ICB, or undefined when there is no such PCN. */
export async function findPcnIcb(db: Db, pcn: string): Promise<{ code: string; icb_code: string } | undefined> {
  const [row] = await query<{ code: string; icb_code: string }>(
    db,
    sql`select code, icb_code from pcns where code = ${pcn}`,
  );
  return row;
}

/** The ODS code of an ICB given by ODS or ONS code. */
export async function resolveIcb(db: Db, icb: string): Promise<string | undefined> {
  const [row] = await query<{ code: string }>(db, sql`select code from icbs where code = ${icb} or ons_code = ${icb}`);
  return row?.code;
}

/** Whether a top-level category code exists. */
export async function categoryExists(db: Db, code: string): Promise<boolean> {
  const rows = await query(db, sql`select 1 from taxonomy_terms where code = ${code} and parent_id is null`);
  return rows.length > 0;
}

/** A user's role, ICB and status, for owner checks. */
export async function findUser(db: Db, id: string) {
  const [row] = await query<{ id: string; role: string; icb_code: string | null; status: string }>(
    db,
    sql`select id, role, icb_code, status from users where id = ${id}`,
  );
  return row;
}

/** PCN codes with an open or in-progress flag, and PCN codes whose suggestion was dismissed. */
export async function flaggedOrDismissedPcns(db: Db): Promise<Set<string>> {
  const rows = await query<{ code: string }>(
    db,
    sql`select pcn_code as code from gap_flags where status in ('open', 'in_progress')
        union select pcn_code from gap_suggestion_dismissals`,
  );
  return new Set(rows.map((r) => r.code));
}

// ---------------------------------------------------------------------------------------------------------------
// Equity

/** Reachable services of one PCN and those offering a language other than English (equity view). */
export interface EquityCountRow {
  pcn_code: string;
  services: number;
  language_services: number;
  remote_language_services: number;
  /** Non-English languages of the services reachable in person, with how many offer each. */
  languages: { code: string; name: string; services: number }[];
}

/**
 * Per PCN: services reachable in person (the gap analysis's reach), how many of them list a language other than
 * English, how many remote (online/phone, area covered) services do, and those languages. English = code 'en'.
 */
export async function countLanguageSupply(db: Db, staleDays: number, reachKm: number): Promise<EquityCountRow[]> {
  return query<EquityCountRow>(
    db,
    sql`with recursive ${pairsSql(staleDays, reachKm)},
        lang as (
          select distinct pr.pcn_code, pr.mode, pr.service_id
          from pairs pr join service_languages sl on sl.service_id = pr.service_id
          where lower(sl.code) <> 'en'
        ),
        totals as (
          select pcn_code, count(*) filter (where mode = 'in_person')::int as services from pairs group by pcn_code
        ),
        lang_totals as (
          select pcn_code,
                 count(*) filter (where mode = 'in_person')::int as language_services,
                 count(*) filter (where mode = 'remote')::int as remote_language_services
          from lang group by pcn_code
        ),
        per_lang as (
          select pr.pcn_code, sl.code, min(sl.name) as name, count(distinct pr.service_id)::int as services
          from pairs pr join service_languages sl on sl.service_id = pr.service_id
          where pr.mode = 'in_person' and lower(sl.code) <> 'en'
          group by pr.pcn_code, sl.code
        ),
        lang_lists as (
          select pcn_code, jsonb_agg(jsonb_build_object('code', code, 'name', name, 'services', services)
                                     order by services desc, name) as languages
          from per_lang group by pcn_code
        )
        select p.code as pcn_code, coalesce(t.services, 0) as services,
               coalesce(lt.language_services, 0) as language_services,
               coalesce(lt.remote_language_services, 0) as remote_language_services,
               coalesce(ll.languages, '[]'::jsonb) as languages
        from pcns p
        left join totals t on t.pcn_code = p.code
        left join lang_totals lt on lt.pcn_code = p.code
        left join lang_lists ll on ll.pcn_code = p.code
        order by p.code`,
  );
}

/** A location of a service whose funding ends between today and `until` (provision at risk map layer). */
export interface AtRiskPointRow {
  service_id: string;
  name: string;
  organization_name: string;
  funding_ends_on: string;
  lng: number;
  lat: number;
  pcn_codes: string[];
}

/**
 * Locations of services reachable in person from a PCN (of one ICB, or any) whose earliest funding end date lies
 * between today and `until` (inclusive), with the PCNs they are reachable from.
 */
export async function listAtRiskPoints(
  db: Db,
  staleDays: number,
  reachKm: number,
  until: string,
  icb?: string,
): Promise<AtRiskPointRow[]> {
  return query<AtRiskPointRow>(
    db,
    sql`with recursive ${pairsSql(staleDays, reachKm)},
        ends as (
          select f.service_id, min(f.ends_on) as ends_on from funding f
          where f.ends_on >= current_date group by f.service_id
        ),
        risky as (
          select pr.service_id, array_agg(distinct pr.pcn_code order by pr.pcn_code) as pcn_codes
          from pairs pr join pcns p on p.code = pr.pcn_code
          join ends e on e.service_id = pr.service_id and e.ends_on <= ${until}::date
          where pr.mode = 'in_person' ${icb ? sql`and p.icb_code = ${icb}` : sql``}
          group by pr.service_id
        )
        select s.id as service_id, s.name, o.name as organization_name, e.ends_on::text as funding_ends_on,
               ST_X(l.geom) as lng, ST_Y(l.geom) as lat, r.pcn_codes
        from risky r join services s on s.id = r.service_id join organizations o on o.id = s.organization_id
        join ends e on e.service_id = s.id
        join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
        where l.geom is not null
        order by e.ends_on, s.name, s.id, l.id`,
  );
}

export interface CapacityTrendRow {
  week_ending: string;
  accepting: number;
  limited: number;
  waitlist: number;
  not_accepting: number;
  unknown: number;
}

/**
 * For each of the last `weeks` week ends (`now` and each 7 days before, oldest first), how many of the given services
 * had each capacity status as their latest capacity_history entry at or before that moment; `unknown` = no entry yet.
 */
export async function capacityTrend(db: Db, serviceIds: string[], now: Date, weeks: number) {
  return query<CapacityTrendRow>(
    db,
    sql`with ids as (
          select distinct unnest(string_to_array(${serviceIds.join(',')}, ',')::uuid[]) as id
        ), ends as (
          select g.n, ${now.toISOString()}::timestamptz - make_interval(days => 7 * g.n) as t
          from generate_series(0, ${weeks - 1}::int) as g(n)
        )
        select to_char(ends.t at time zone 'UTC', 'YYYY-MM-DD') as week_ending,
               count(*) filter (where h.status = 'accepting')::int as accepting,
               count(*) filter (where h.status = 'limited')::int as limited,
               count(*) filter (where h.status = 'waitlist')::int as waitlist,
               count(*) filter (where h.status = 'not_accepting')::int as not_accepting,
               count(*) filter (where ids.id is not null and (h.status is null
                 or h.status not in ('accepting', 'limited', 'waitlist', 'not_accepting')))::int as unknown
        from ends
        left join ids on true
        left join lateral (
          select ch.status from capacity_history ch
          where ch.service_id = ids.id and ch.recorded_at <= ends.t
          order by ch.recorded_at desc, ch.id desc
          limit 1
        ) h on true
        group by ends.n, ends.t
        order by ends.n desc`,
  );
}
