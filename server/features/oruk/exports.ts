/**
 * Exports of the whole public directory: ORUK 3.0 JSON (one list response holding every fully nested service, the
 * file `npm run import -- oruk` reads back), CSV (one row per service-at-location, with capacity; cells neutralised
 * against formula injection) and services as GeoJSON points. Services are loaded in batches, children batched.
 */
import type { Db } from '../../db';
import { toCsv } from '../../../shared/csv';
import { CAPACITY_STATUS_INFO, type CapacityStatus } from '../../../shared/capacity';
import * as repo from './repository';
import { presentCapacity, presentPage, presentServiceFull, type Json } from './presenter';

const BATCH = 500;

async function* serviceBatches(db: Db): AsyncGenerator<repo.ServiceBundle> {
  const ids = await repo.allServiceIds(db);
  for (let i = 0; i < ids.length; i += BATCH) yield repo.loadServices(db, ids.slice(i, i + BATCH));
}

/** The directory as one ORUK 3.0 service list page holding every service, fully nested. */
export async function exportOrukJson(db: Db): Promise<Json> {
  const contents: Json[] = [];
  for await (const b of serviceBatches(db)) for (const s of b.services) contents.push(presentServiceFull(s, b));
  return presentPage(contents, contents.length, 1, Math.max(contents.length, 1));
}

/** Columns of the CSV export. */
export const CSV_COLUMNS = [
  'service_id',
  'service_name',
  'organization_id',
  'organization_name',
  'status',
  'url',
  'email',
  'service_at_location_id',
  'location_id',
  'address_1',
  'city',
  'postcode',
  'latitude',
  'longitude',
  'taxonomy_terms',
  'capacity_status',
  'capacity_label',
  'capacity_available',
  'capacity_wait_days',
  'capacity_updated',
  'last_modified',
] as const;

/** The directory as CSV: one row per service-at-location (a service without a location gets one row without one). */
export async function exportCsv(db: Db): Promise<string> {
  const rows: (string | number | null)[][] = [];
  for await (const b of serviceBatches(db)) {
    for (const s of b.services) {
      const org = b.organizations.get(s.organization_id);
      const capacity = presentCapacity(s);
      const status = s.capacity_status as CapacityStatus | null;
      const common = {
        terms: (b.terms.get(s.id) ?? []).map((t) => t.code).join(';'),
        label: status && CAPACITY_STATUS_INFO[status] ? CAPACITY_STATUS_INFO[status].label : null,
      };
      const sals = b.sals.get(s.id) ?? [];
      for (const l of sals.length ? sals : [undefined]) {
        rows.push([
          s.id,
          s.name,
          s.organization_id,
          org?.name ?? null,
          s.status,
          s.url,
          s.email,
          l?.sal_id ?? null,
          l?.location_id ?? null,
          l?.address_1 ?? null,
          l?.city ?? null,
          l?.postcode ?? null,
          l?.lat == null ? null : Number(l.lat),
          l?.lng == null ? null : Number(l.lng),
          common.terms,
          status,
          common.label,
          capacity ? (capacity.available as number) : null,
          s.capacity_wait_days,
          capacity ? (capacity.updated as string) : null,
          s.updated_at,
        ]);
      }
    }
  }
  return toCsv([...CSV_COLUMNS], rows);
}

/** Services as a GeoJSON FeatureCollection: one Point per located service-at-location. */
export async function exportGeoJson(db: Db): Promise<Json> {
  const features: Json[] = [];
  for await (const b of serviceBatches(db)) {
    for (const s of b.services) {
      const status = s.capacity_status as CapacityStatus | null;
      for (const l of b.sals.get(s.id) ?? []) {
        if (l.lat == null || l.lng == null) continue;
        features.push({
          type: 'Feature',
          id: l.sal_id,
          geometry: { type: 'Point', coordinates: [Number(l.lng), Number(l.lat)] },
          properties: {
            service_id: s.id,
            service_at_location_id: l.sal_id,
            name: s.name,
            organization: b.organizations.get(s.organization_id)?.name ?? null,
            status: s.status,
            postcode: l.postcode,
            url: s.url,
            capacity_status: status,
            capacity_label: status && CAPACITY_STATUS_INFO[status] ? CAPACITY_STATUS_INFO[status].label : null,
            last_modified: s.updated_at,
          },
        });
      }
    }
  }
  return { type: 'FeatureCollection', features };
}
