/** Look-ups of the bulk import before it writes (postcodes, taxonomy, existing imported organisations); the writes are the directory's (writeImportBatch). */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db';

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
