/**
 * Queries of the ORUK 3.0 API: filtered, paged id lists and batched loads of whole records (one query per child table
 * per page, never per row). Only approved organisations and their services are public. Taxonomies and taxonomy-term
 * ids are derived from (taxonomy, code) with md5 so every Signpost instance publishes the same ids for the same terms.
 */
import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../db';

const uuidArray = (values: readonly string[]) => sql`${sql.param(values)}::uuid[]`;
const ISO = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** The public ORUK id of a taxonomy term row aliased `t`. */
export const TERM_ORUK_ID = sql.raw(`md5(t.taxonomy || ':' || t.code)::uuid`);
const TAXONOMY_ORUK_ID = sql.raw(`md5(t.taxonomy)::uuid`);

/** A page request: 1-based page and its size. */
export interface PageRequest {
  page: number;
  perPage: number;
}

/** Ids of one page and the total number of matches. */
export interface IdPage {
  total: number;
  ids: string[];
}

async function pageOf(db: Db, from: SQL, order: SQL, p: PageRequest, idCol: SQL): Promise<IdPage> {
  const [count] = await query<{ n: number }>(db, sql`select count(*)::int as n ${from}`);
  const rows = await query<{ id: string }>(
    db,
    sql`select ${idCol} as id ${from} order by ${order} limit ${p.perPage} offset ${(p.page - 1) * p.perPage}`,
  );
  return { total: count?.n ?? 0, ids: rows.map((r) => r.id) };
}

/** Filters of /services and /service_at_locations. */
export interface ServiceFilters {
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  modifiedAfter?: Date;
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function serviceConditions(f: ServiceFilters): SQL[] {
  const where: SQL[] = [sql`o.status = 'approved'`];
  if (f.search)
    where.push(
      sql`(s.name ilike ${like(f.search)} or s.description ilike ${like(f.search)} or o.name ilike ${like(f.search)})`,
    );
  if (f.organizationId) where.push(sql`s.organization_id = ${f.organizationId}::uuid`);
  if (f.modifiedAfter) where.push(sql`s.updated_at >= ${f.modifiedAfter.toISOString()}::timestamptz`);
  if (f.taxonomyTermId)
    where.push(sql`exists (select 1 from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
                           where st.service_id = s.id and ${TERM_ORUK_ID} = ${f.taxonomyTermId}::uuid)`);
  if (f.taxonomyId)
    where.push(sql`exists (select 1 from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
                           where st.service_id = s.id and ${TAXONOMY_ORUK_ID} = ${f.taxonomyId}::uuid)`);
  return where;
}

/** One page of public service ids, by name then id. */
export function pageServiceIds(db: Db, f: ServiceFilters, p: PageRequest): Promise<IdPage> {
  const from = sql`from services s join organizations o on o.id = s.organization_id where ${sql.join(serviceConditions(f), sql` and `)}`;
  return pageOf(db, from, sql`s.name, s.id`, p, sql`s.id`);
}

/** Every public service id with its last change, for `minimal`. */
export function minimalServices(db: Db, f: ServiceFilters, p: PageRequest) {
  return query<{ id: string; last_modified: string }>(
    db,
    sql`select s.id, ${ISO(sql`s.updated_at`)} as last_modified from services s join organizations o on o.id = s.organization_id
        where ${sql.join(serviceConditions(f), sql` and `)} order by s.name, s.id
        limit ${p.perPage} offset ${(p.page - 1) * p.perPage}`,
  );
}

/** A point and optional radius (metres) for /service_at_locations. */
export interface Near {
  lat: number;
  lng: number;
  metres?: number;
}

/** One page of public service-at-location ids; near a point they are ordered by distance, else by service name. */
export function pageServiceAtLocationIds(db: Db, f: ServiceFilters, near: Near | undefined, p: PageRequest) {
  const where = serviceConditions(f);
  const point = near ? sql`ST_SetSRID(ST_MakePoint(${near.lng}, ${near.lat}), 4326)` : undefined;
  if (point && near?.metres != null)
    where.push(sql`l.geom is not null and ST_DWithin(l.geom::geography, ${point}::geography, ${near.metres})`);
  const from = sql`from service_at_locations sal join services s on s.id = sal.service_id
    join organizations o on o.id = s.organization_id join locations l on l.id = sal.location_id
    where ${sql.join(where, sql` and `)}`;
  const order = point ? sql`l.geom <-> ${point} nulls last, sal.id` : sql`s.name, sal.id`;
  return pageOf(db, from, order, p, sql`sal.id`);
}

/** One page of approved organisation ids by name. */
export function pageOrganizationIds(db: Db, search: string | undefined, p: PageRequest) {
  const where = [sql`o.status = 'approved'`];
  if (search) where.push(sql`(o.name ilike ${like(search)} or o.description ilike ${like(search)})`);
  return pageOf(db, sql`from organizations o where ${sql.join(where, sql` and `)}`, sql`o.name, o.id`, p, sql`o.id`);
}

/** A service row as ORUK needs it. */
export interface ServiceRow {
  id: string;
  organization_id: string;
  name: string;
  alternate_name: string | null;
  description: string;
  url: string | null;
  email: string | null;
  status: string;
  fees_description: string | null;
  eligibility_description: string | null;
  referral_instructions: string | null;
  minimum_age: number | null;
  maximum_age: number | null;
  alert: string | null;
  updated_at: string;
  capacity_status: string | null;
  capacity_places: number | null;
  capacity_wait_days: number | null;
  capacity_updated: string | null;
  /** Provenance of an imported service (null when created in Signpost). */
  source: string | null;
  source_ref: string | null;
  first_imported_at: string | null;
  last_seen_at: string | null;
}

/** An organisation row. */
export interface OrganizationRow {
  id: string;
  name: string;
  alternate_name: string | null;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legal_status: string | null;
  charity_number: string | null;
}

/** A location row (with coordinates). */
export interface LocationRow {
  id: string;
  name: string | null;
  description: string | null;
  address_1: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string;
  lat: number | null;
  lng: number | null;
}

/** A service-at-location with its location. */
export interface SalRow extends LocationRow {
  sal_id: string;
  service_id: string;
  location_id: string;
}

/** A taxonomy term with its public ids. */
export interface TermRow {
  oruk_id: string;
  parent_oruk_id: string | null;
  taxonomy_oruk_id: string;
  code: string;
  name: string;
  description: string;
  taxonomy: string;
  version: string | null;
}

/** Everything attached to a page of services, keyed by service id. */
export interface ServiceBundle {
  services: ServiceRow[];
  organizations: Map<string, OrganizationRow>;
  sals: Map<string, SalRow[]>;
  schedules: Map<string, Record<string, unknown>[]>;
  contacts: Map<string, Record<string, unknown>[]>;
  costOptions: Map<string, Record<string, unknown>[]>;
  languages: Map<string, { code: string; name: string }[]>;
  areas: Map<string, { id: string; area_type: string; area_code: string; name: string | null }[]>;
  funding: Map<string, { id: string; source: string; ends_on: string | null }[]>;
  terms: Map<string, TermRow[]>;
}

function group<T extends { service_id: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.service_id);
    if (list) list.push(r);
    else m.set(r.service_id, [r]);
  }
  return m;
}

const SERVICE_COLUMNS = sql`s.id, s.organization_id, s.name, s.alternate_name, s.description, s.url, s.email, s.status,
  s.fees_description, s.eligibility_description, s.referral_instructions, s.minimum_age, s.maximum_age, s.alert,
  ${ISO(sql`s.updated_at`)} as updated_at, s.capacity_status, s.capacity_places, s.capacity_wait_days,
  ${ISO(sql`coalesce(s.capacity_confirmed_at, s.capacity_set_at, s.updated_at)`)} as capacity_updated,
  s.source, s.source_ref, ${ISO(sql`s.first_imported_at`)} as first_imported_at, ${ISO(sql`s.last_seen_at`)} as last_seen_at`;

const TERM_COLUMNS = sql`${TERM_ORUK_ID} as oruk_id,
  (select md5(p.taxonomy || ':' || p.code)::uuid from taxonomy_terms p where p.id = t.parent_id) as parent_oruk_id,
  ${TAXONOMY_ORUK_ID} as taxonomy_oruk_id, t.code, t.name, t.description, t.taxonomy, t.version`;

const LOCATION_COLUMNS = sql`l.id, l.name, l.description, l.address_1, l.city, l.region, l.postcode, l.country,
  ST_Y(l.geom) as lat, ST_X(l.geom) as lng`;

/** Public services with these ids (in the given order) and all their children, in one query per table. */
export async function loadServices(db: Db, ids: string[]): Promise<ServiceBundle> {
  const rows = ids.length
    ? await query<ServiceRow>(
        db,
        sql`select ${SERVICE_COLUMNS} from services s join organizations o on o.id = s.organization_id
            where s.id = any(${uuidArray(ids)}) and o.status = 'approved'`,
      )
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const services = ids.map((id) => byId.get(id)).filter((r): r is ServiceRow => !!r);
  const sIds = services.map((s) => s.id);
  const orgIds = [...new Set(services.map((s) => s.organization_id))];
  const list = uuidArray(sIds);
  const [orgs, sals, schedules, contacts, costOptions, languages, areas, funding, terms] = await Promise.all([
    loadOrganizations(db, orgIds),
    query<SalRow>(
      db,
      sql`select sal.id as sal_id, sal.service_id, sal.location_id, ${LOCATION_COLUMNS}
          from service_at_locations sal join locations l on l.id = sal.location_id
          where sal.service_id = any(${list}) order by sal.id`,
    ),
    query<{ service_id: string }>(
      db,
      sql`select id, service_id, service_at_location_id, freq, byday, opens_at::text as opens_at,
                 closes_at::text as closes_at, valid_from::text as valid_from, valid_to::text as valid_to, description
          from schedules where service_id = any(${list}) order by id`,
    ),
    query<{ service_id: string }>(
      db,
      sql`select id, service_id, name, title, email, phone from contacts where service_id = any(${list}) order by id`,
    ),
    query<{ service_id: string }>(
      db,
      sql`select id, service_id, option, amount, currency, amount_description from cost_options
          where service_id = any(${list}) order by id`,
    ),
    query<{ service_id: string; code: string; name: string }>(
      db,
      sql`select service_id, code, name from service_languages where service_id = any(${list}) order by code`,
    ),
    query<{ service_id: string; id: string; area_type: string; area_code: string; name: string | null }>(
      db,
      sql`select id, service_id, area_type, area_code, name from service_areas where service_id = any(${list}) order by id`,
    ),
    query<{ service_id: string; id: string; source: string; ends_on: string | null }>(
      db,
      sql`select id, service_id, source, ends_on::text as ends_on from funding where service_id = any(${list}) order by id`,
    ),
    query<TermRow & { service_id: string }>(
      db,
      sql`select st.service_id, ${TERM_COLUMNS} from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
          where st.service_id = any(${list}) order by 2`,
    ),
  ]);
  return {
    services,
    organizations: new Map(orgs.map((o) => [o.id, o])),
    sals: group(sals),
    schedules: group(schedules),
    contacts: group(contacts),
    costOptions: group(costOptions),
    languages: group(languages),
    areas: group(areas),
    funding: group(funding),
    terms: group(terms),
  };
}

/** Approved organisations with these ids. */
export function loadOrganizations(db: Db, ids: string[]): Promise<OrganizationRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return query<OrganizationRow>(
    db,
    sql`select id, name, alternate_name, description, email, website, phone, legal_status, charity_number
        from organizations where id = any(${uuidArray(ids)}) and status = 'approved'`,
  );
}

/** Public service ids of these organisations, by name. */
export async function serviceIdsOfOrganizations(db: Db, orgIds: string[]): Promise<Map<string, string[]>> {
  if (!orgIds.length) return new Map();
  const rows = await query<{ organization_id: string; id: string }>(
    db,
    sql`select organization_id, id from services where organization_id = any(${uuidArray(orgIds)}) order by name, id`,
  );
  const m = new Map<string, string[]>();
  for (const r of rows) m.set(r.organization_id, [...(m.get(r.organization_id) ?? []), r.id]);
  return m;
}

/** Service-at-locations (public) with these ids, in order. */
export async function loadServiceAtLocations(db: Db, ids: string[]): Promise<SalRow[]> {
  if (!ids.length) return [];
  const rows = await query<SalRow>(
    db,
    sql`select sal.id as sal_id, sal.service_id, sal.location_id, ${LOCATION_COLUMNS}
        from service_at_locations sal join locations l on l.id = sal.location_id
        join services s on s.id = sal.service_id join organizations o on o.id = s.organization_id
        where sal.id = any(${uuidArray(ids)}) and o.status = 'approved'`,
  );
  const byId = new Map(rows.map((r) => [r.sal_id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is SalRow => !!r);
}

/** Taxonomies (distinct taxonomy names), optionally matching a search, with their term counts. */
export async function taxonomies(db: Db, search?: string) {
  return query<{ oruk_id: string; taxonomy: string; version: string | null }>(
    db,
    sql`select ${TAXONOMY_ORUK_ID} as oruk_id, t.taxonomy, max(t.version) as version from taxonomy_terms t
        ${search ? sql`where t.taxonomy ilike ${like(search)}` : sql``}
        group by t.taxonomy order by t.taxonomy`,
  );
}

/** Filters of /taxonomy_terms. */
export interface TermFilters {
  search?: string;
  taxonomyId?: string;
  topOnly?: boolean;
  parentId?: string;
  id?: string;
}

function termWhere(f: TermFilters): SQL {
  const where: SQL[] = [sql`true`];
  if (f.search)
    where.push(
      sql`(t.name ilike ${like(f.search)} or t.description ilike ${like(f.search)} or t.code ilike ${like(f.search)})`,
    );
  if (f.taxonomyId) where.push(sql`${TAXONOMY_ORUK_ID} = ${f.taxonomyId}::uuid`);
  if (f.topOnly) where.push(sql`t.parent_id is null`);
  if (f.parentId)
    where.push(
      sql`exists (select 1 from taxonomy_terms p where p.id = t.parent_id and md5(p.taxonomy || ':' || p.code)::uuid = ${f.parentId}::uuid)`,
    );
  if (f.id) where.push(sql`${TERM_ORUK_ID} = ${f.id}::uuid`);
  return sql.join(where, sql` and `);
}

/** A page of taxonomy terms (by taxonomy, then code) and the total. */
export async function pageTerms(db: Db, f: TermFilters, p: PageRequest): Promise<{ total: number; rows: TermRow[] }> {
  const [count] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from taxonomy_terms t where ${termWhere(f)}`,
  );
  const rows = await query<TermRow>(
    db,
    sql`select ${TERM_COLUMNS} from taxonomy_terms t where ${termWhere(f)} order by t.taxonomy, t.code
        limit ${p.perPage} offset ${(p.page - 1) * p.perPage}`,
  );
  return { total: count?.n ?? 0, rows };
}

/** Every term of the taxonomies with these ORUK ids. */
export function termsOfTaxonomies(db: Db, taxonomyIds: string[]): Promise<TermRow[]> {
  if (!taxonomyIds.length) return Promise.resolve([]);
  return query<TermRow>(
    db,
    sql`select ${TERM_COLUMNS} from taxonomy_terms t where ${TAXONOMY_ORUK_ID} = any(${uuidArray(taxonomyIds)})
        order by t.taxonomy, t.code`,
  );
}

/** Centroid of a full postcode (no-space upper-case key), or undefined. */
export async function postcodeCentroid(db: Db, key: string): Promise<{ lat: number; lng: number } | undefined> {
  const [row] = await query<{ lat: number; lng: number }>(db, sql`select lat, lng from postcodes where key = ${key}`);
  return row ? { lat: Number(row.lat), lng: Number(row.lng) } : undefined;
}

/** Every public service id, by name then id (exports). */
export async function allServiceIds(db: Db): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`select s.id from services s join organizations o on o.id = s.organization_id where o.status = 'approved'
        order by s.name, s.id`,
  );
  return rows.map((r) => r.id);
}
