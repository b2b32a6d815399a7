/** Queries of the bulk import: look-ups before writing (postcodes, taxonomy, existing imported organisations) and the set-based writes. */
import { sql } from 'drizzle-orm';
import { bulkInsert, query, type Db } from '../../db';

const textArray = (values: readonly string[]) => sql`${sql.param(values)}::text[]`;

/** Centroids of the full postcodes (no-space keys) found in the postcodes reference table. */
export async function findPostcodes(db: Db, keys: string[]): Promise<Map<string, { lat: number; lng: number }>> {
  if (!keys.length) return new Map();
  const rows = await query<{ key: string; lat: number; lng: number }>(
    db,
    sql`select key, lat, lng from postcodes where key = any(${textArray(keys)})`,
  );
  return new Map(rows.map((r) => [r.key, { lat: Number(r.lat), lng: Number(r.lng) }]));
}

/** Taxonomy term ids by code (Signpost taxonomy). */
export async function taxonomyIds(db: Db): Promise<Map<string, string>> {
  const rows = await query<{ id: string; code: string }>(
    db,
    sql`select id, code from taxonomy_terms where taxonomy = 'signpost-social-prescribing'`,
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** An organisation already imported from the same source row, with its first service and that service's first location. */
export interface ExistingImport {
  organizationId: string;
  sourceRef: string;
  serviceId: string | null;
  locationId: string | null;
}

/** Organisations imported earlier under any of these source_refs. */
export async function findImported(db: Db, refs: string[]): Promise<Map<string, ExistingImport>> {
  if (!refs.length) return new Map();
  const rows = await query<{
    organization_id: string;
    source_ref: string;
    service_id: string | null;
    location_id: string | null;
  }>(
    db,
    sql`select o.id as organization_id, o.source_ref, s.id as service_id, sal.location_id
        from organizations o
        left join lateral (select id from services where organization_id = o.id and status <> 'defunct'
                           order by created_at, id limit 1) s on true
        left join lateral (select location_id from service_at_locations where service_id = s.id
                           order by id limit 1) sal on true
        where o.source = 'import' and o.source_ref = any(${textArray(refs)})`,
  );
  return new Map(
    rows.map((r) => [
      r.source_ref,
      {
        organizationId: r.organization_id,
        sourceRef: r.source_ref,
        serviceId: r.service_id,
        locationId: r.location_id,
      },
    ]),
  );
}

/**
 * Organisations not from this import (another source, or another source_ref) that have the same name (case- and
 * space-insensitive) and a location at the same postcode; keyed `name|postcodeKey`.
 */
export async function findSameNameAndPostcode(db: Db, keys: string[], refs: string[]): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const rows = await query<{ k: string; id: string }>(
    db,
    sql`select distinct on (k) k, id from (
          select lower(regexp_replace(trim(o.name), '\\s+', ' ', 'g')) || '|' || upper(replace(l.postcode, ' ', '')) as k, o.id
          from organizations o join locations l on l.organization_id = o.id
          where l.postcode is not null
            and not (o.source = 'import' and o.source_ref = any(${textArray(refs)}))
        ) x where k = any(${textArray(keys)}) order by k, id`,
  );
  return new Map(rows.map((r) => [r.k, r.id]));
}

/** Organisation values written by an import. */
export interface OrganizationValues {
  id: string;
  name: string;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legalStatus: string | null;
  charityNumber: string | null;
  status: string;
  sourceRef: string;
}

/** Service values written by an import (capacity is never written). */
export interface ServiceValues {
  id: string;
  organizationId: string;
  name: string;
  description: string;
  url: string | null;
  email: string | null;
  referralMethod: string | null;
  referralInstructions: string | null;
  /** Written only when the file states it (null = not stated: new services keep the column default). */
  isFree: boolean | null;
  /** The cost text, when a column gives one. */
  feesDescription: string | null;
}

/** A schedule written by an import (service-wide, no location). */
export interface ScheduleValues {
  serviceId: string;
  freq: string;
  byday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  description: string | null;
}

/** Location values written by an import. */
export interface LocationValues {
  id: string;
  organizationId: string;
  address1: string | null;
  city: string | null;
  postcode: string | null;
  lat: number;
  lng: number;
}

const t = 'text' as const;
const uuid = (name: string) => `v."${name}"::uuid`;
const GEOM = 'ST_SetSRID(ST_MakePoint(v."lng", v."lat"), 4326)';

/** Inserts new organisations. */
export async function insertOrganizations(db: Db, rows: OrganizationValues[]): Promise<void> {
  await bulkInsert(db, {
    table: 'organizations',
    columns: [
      'id',
      'name',
      'description',
      'email',
      'website',
      'phone',
      'legal_status',
      'charity_number',
      'status',
      'source_ref',
    ].map((name) => ({ name, type: t })),
    rows: rows.map((r) => [
      r.id,
      r.name,
      r.description,
      r.email,
      r.website,
      r.phone,
      r.legalStatus,
      r.charityNumber,
      r.status,
      r.sourceRef,
    ]),
    expressions: { id: uuid('id'), source: `'import'` },
  });
}

/** Updates organisations imported before (status is left alone: an admin may have changed it). */
export async function updateOrganizations(db: Db, rows: OrganizationValues[]): Promise<void> {
  if (!rows.length) return;
  const col = <K extends keyof OrganizationValues>(k: K) =>
    textArray(rows.map((r) => (r[k] as string | null) ?? null) as string[]);
  await db.execute(sql`update organizations o set
      name = v.name, description = v.description, email = v.email, website = v.website, phone = v.phone,
      legal_status = v.legal_status, charity_number = v.charity_number, updated_at = now()
    from unnest(${col('id')}, ${col('name')}, ${col('description')}, ${col('email')}, ${col('website')}, ${col('phone')},
                ${col('legalStatus')}, ${col('charityNumber')})
      as v(id, name, description, email, website, phone, legal_status, charity_number)
    where o.id = v.id::uuid
      and (o.name, o.description, o.email, o.website, o.phone, o.legal_status, o.charity_number)
          is distinct from (v.name, v.description, v.email, v.website, v.phone, v.legal_status, v.charity_number)`);
}

/**
 * Inserts new services (delivery mode defaults to in_person; capacity stays unset). is_free is written only for
 * rows whose file states it; the others keep the column's default.
 */
export async function insertServices(db: Db, rows: ServiceValues[]): Promise<void> {
  const base = [
    'id',
    'organization_id',
    'name',
    'description',
    'url',
    'email',
    'referral_method',
    'referral_instructions',
    'fees_description',
  ];
  const values = (r: ServiceValues) => [
    r.id,
    r.organizationId,
    r.name,
    r.description,
    r.url,
    r.email,
    r.referralMethod,
    r.referralInstructions,
    r.feesDescription,
  ];
  const expressions = { id: uuid('id'), organization_id: uuid('organization_id') };
  await bulkInsert(db, {
    table: 'services',
    columns: base.map((name) => ({ name, type: t })),
    rows: rows.filter((r) => r.isFree == null).map(values),
    expressions,
  });
  await bulkInsert(db, {
    table: 'services',
    columns: [...base, 'is_free'].map((name) => ({ name, type: name === 'is_free' ? 'bool' : t })),
    rows: rows.filter((r) => r.isFree != null).map((r) => [...values(r), r.isFree]),
    expressions,
  });
}

/** Updates services imported before; the version only moves when something changed (so ETags stay valid on a no-op re-run). */
export async function updateServices(db: Db, rows: ServiceValues[]): Promise<void> {
  if (!rows.length) return;
  const col = <K extends keyof ServiceValues>(k: K) =>
    textArray(rows.map((r) => (r[k] as string | null) ?? null) as string[]);
  const free = sql`${sql.param(rows.map((r) => (r.isFree == null ? null : String(r.isFree))))}::text[]`;
  await db.execute(sql`update services s set
      name = v.name, description = v.description, url = v.url, email = v.email, referral_method = v.referral_method,
      referral_instructions = v.referral_instructions, is_free = coalesce(v.is_free::boolean, s.is_free),
      fees_description = coalesce(v.fees_description, s.fees_description), version = s.version + 1, updated_at = now()
    from unnest(${col('id')}, ${col('name')}, ${col('description')}, ${col('url')}, ${col('email')}, ${col('referralMethod')},
                ${col('referralInstructions')}, ${free}, ${col('feesDescription')})
      as v(id, name, description, url, email, referral_method, referral_instructions, is_free, fees_description)
    where s.id = v.id::uuid
      and (s.name, s.description, s.url, s.email, s.referral_method, s.referral_instructions,
           s.is_free, s.fees_description)
          is distinct from (v.name, v.description, v.url, v.email, v.referral_method, v.referral_instructions,
           coalesce(v.is_free::boolean, s.is_free), coalesce(v.fees_description, s.fees_description))`);
}

/** Inserts new locations with their point. */
export async function insertLocations(db: Db, rows: LocationValues[]): Promise<void> {
  await bulkInsert(db, {
    table: 'locations',
    columns: [
      { name: 'id', type: t },
      { name: 'organization_id', type: t },
      { name: 'address_1', type: t },
      { name: 'city', type: t },
      { name: 'postcode', type: t },
      { name: 'lat', type: 'float8' },
      { name: 'lng', type: 'float8' },
    ],
    rows: rows.map((r) => [r.id, r.organizationId, r.address1, r.city, r.postcode, r.lat, r.lng]),
    inputOnly: ['lat', 'lng'],
    expressions: { id: uuid('id'), organization_id: uuid('organization_id'), geom: GEOM },
  });
}

/** Updates locations imported before. */
export async function updateLocations(db: Db, rows: LocationValues[]): Promise<void> {
  if (!rows.length) return;
  const txt = (f: (r: LocationValues) => string | null) => textArray(rows.map(f) as string[]);
  const num = (f: (r: LocationValues) => number) => sql`${sql.param(rows.map(f))}::float8[]`;
  await db.execute(sql`update locations l set
      address_1 = v.address_1, city = v.city, postcode = v.postcode, geom = ST_SetSRID(ST_MakePoint(v.lng, v.lat), 4326)
    from unnest(${txt((r) => r.id)}, ${txt((r) => r.address1)}, ${txt((r) => r.city)}, ${txt((r) => r.postcode)},
                ${num((r) => r.lat)}, ${num((r) => r.lng)})
      as v(id, address_1, city, postcode, lat, lng)
    where l.id = v.id::uuid`);
}

/** Links services to locations. */
export async function insertServiceAtLocations(
  db: Db,
  rows: { serviceId: string; locationId: string }[],
): Promise<void> {
  await bulkInsert(db, {
    table: 'service_at_locations',
    columns: [
      { name: 'service_id', type: t },
      { name: 'location_id', type: t },
    ],
    rows: rows.map((r) => [r.serviceId, r.locationId]),
    expressions: { service_id: uuid('service_id'), location_id: uuid('location_id') },
    onConflict: 'on conflict do nothing',
  });
}

/** Adds taxonomy terms to services (existing terms are kept). */
export async function insertServiceTaxonomy(db: Db, rows: { serviceId: string; termId: string }[]): Promise<void> {
  await bulkInsert(db, {
    table: 'service_taxonomy',
    columns: [
      { name: 'service_id', type: t },
      { name: 'taxonomy_term_id', type: t },
    ],
    rows: rows.map((r) => [r.serviceId, r.termId]),
    expressions: { service_id: uuid('service_id'), taxonomy_term_id: uuid('taxonomy_term_id') },
    onConflict: 'on conflict do nothing',
  });
}

/**
 * Replaces the opening times of services: the service-wide schedules (no location) of the refreshed services are
 * deleted, then the parsed schedules and the description-only ones (original text the parser did not fully capture)
 * are inserted.
 */
export async function replaceOpeningTimes(db: Db, rows: ScheduleValues[], replaceFor: string[]): Promise<void> {
  if (replaceFor.length)
    await db.execute(
      sql`delete from schedules where service_id = any(${sql`${sql.param(replaceFor)}::uuid[]`})
          and service_at_location_id is null`,
    );
  await bulkInsert(db, {
    table: 'schedules',
    columns: ['service_id', 'freq', 'byday', 'opens_at', 'closes_at', 'description'].map((name) => ({ name, type: t })),
    rows: rows.map((r) => [r.serviceId, r.freq, r.byday, r.opensAt, r.closesAt, r.description]),
    expressions: { service_id: uuid('service_id'), opens_at: `v."opens_at"::time`, closes_at: `v."closes_at"::time` },
  });
}
