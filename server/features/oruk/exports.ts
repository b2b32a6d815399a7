/**
 * Exports of the whole public directory: ORUK 3.0 JSON (one list response holding every fully nested service, the
 * file `npm run import -- oruk` reads back), CSV (one row per service-at-location, with capacity; cells neutralised
 * against formula injection) and services as GeoJSON points. Each is an async generator of text chunks, one batch of
 * services (children batched) at a time, so memory is bounded by a batch however large the directory: the route
 * streams the chunks to the client and the CLI to a file, and joined they are the whole document.
 */
import type { Db } from '../../db';
import { csvLine, type CsvValue } from '../../../shared/csv';
import { CAPACITY_STATUS_INFO, type CapacityStatus } from '../../../shared/capacity';
import * as repo from './repository';
import { presentCapacity, presentPage, presentServiceFull, type Json } from './presenter';

/** Services loaded and written per batch. */
export const EXPORT_BATCH = 500;

/** Options of an export. */
export interface ExportOptions {
  /** Services per batch. Default EXPORT_BATCH; tests use a small one to exercise several batches. */
  batchSize?: number;
}

/** The services of `ids`, loaded a batch at a time, each service rendered to zero or more text items. */
async function* renderedBatches(
  db: Db,
  ids: string[],
  batchSize: number,
  render: (s: repo.ServiceRow, b: repo.ServiceBundle) => string[],
): AsyncGenerator<string[]> {
  for (let i = 0; i < ids.length; i += batchSize) {
    const b = await repo.loadServices(db, ids.slice(i, i + batchSize));
    yield b.services.flatMap((s) => render(s, b));
  }
}

/**
 * A document as chunks: `head`, the items of every batch joined by `separator`, then `tail()`. The head goes out
 * with the first batch, so a failure before that batch is loaded still gets a proper error response rather than a
 * started download.
 */
async function* documentChunks(
  head: string,
  batches: AsyncIterable<string[]>,
  separator: string,
  tail: () => string,
): AsyncGenerator<string> {
  let pending = head;
  let first = true;
  for await (const items of batches) {
    if (!items.length) continue;
    pending += (first ? '' : separator) + items.join(separator);
    first = false;
    yield pending;
    pending = '';
  }
  yield pending + tail();
}

/** The JSON text of `doc` split around its array `key`, whose items go in between; keys keep the document's order. */
function around(doc: Json, key: string): { head: string; tail: string } {
  const marker = '\u0000items\u0000';
  const [head, tail] = JSON.stringify({ ...doc, [key]: marker }).split(JSON.stringify(marker));
  return { head: `${head}[`, tail: `]${tail}` };
}

/** The directory as one ORUK 3.0 service list page holding every service, fully nested. */
export async function* orukJsonChunks(
  db: Db,
  { batchSize = EXPORT_BATCH }: ExportOptions = {},
): AsyncGenerator<string> {
  const ids = await repo.allServiceIds(db);
  // The envelope comes first, so its counts come from the id list (the ids stand in for contents of the same length).
  const { head, tail } = around(presentPage(ids, ids.length, 1, Math.max(ids.length, 1)), 'contents');
  let written = 0;
  const batches = renderedBatches(db, ids, batchSize, (s, b) => {
    written += 1;
    return [JSON.stringify(presentServiceFull(s, b))];
  });
  yield* documentChunks(head, batches, ',', () => {
    // A service unpublished while the export ran would make total_items wrong: fail (the download is cut short)
    // rather than finish a page that contradicts itself.
    if (written !== ids.length)
      throw new Error(`The directory changed during the export (${ids.length} services listed, ${written} written)`);
    return tail;
  });
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

/** The CSV rows of one service: one per service-at-location, or one without a location when it has none. */
export function csvRows(s: repo.ServiceRow, b: repo.ServiceBundle): CsvValue[][] {
  const org = b.organizations.get(s.organization_id);
  const capacity = presentCapacity(s);
  const status = s.capacity_status as CapacityStatus | null;
  const terms = (b.terms.get(s.id) ?? []).map((t) => t.code).join(';');
  const label = status && CAPACITY_STATUS_INFO[status] ? CAPACITY_STATUS_INFO[status].label : null;
  const sals = b.sals.get(s.id) ?? [];
  return (sals.length ? sals : [undefined]).map((l) => [
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
    terms,
    status,
    label,
    capacity ? (capacity.available as number) : null,
    s.capacity_wait_days,
    capacity ? (capacity.updated as string) : null,
    s.updated_at,
  ]);
}

/** The directory as CSV (header row first, CRLF line ends). */
export async function* csvChunks(db: Db, { batchSize = EXPORT_BATCH }: ExportOptions = {}): AsyncGenerator<string> {
  const ids = await repo.allServiceIds(db);
  const batches = renderedBatches(db, ids, batchSize, (s, b) => csvRows(s, b).map(csvLine));
  yield* documentChunks(csvLine(CSV_COLUMNS), batches, '', () => '');
}

/** The GeoJSON Point features of one service: one per located service-at-location. */
export function geoJsonFeatures(s: repo.ServiceRow, b: repo.ServiceBundle): Json[] {
  const status = s.capacity_status as CapacityStatus | null;
  return (b.sals.get(s.id) ?? [])
    .filter((l) => l.lat != null && l.lng != null)
    .map((l) => ({
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
    }));
}

/** Services as a GeoJSON FeatureCollection. */
export async function* geoJsonChunks(db: Db, { batchSize = EXPORT_BATCH }: ExportOptions = {}): AsyncGenerator<string> {
  const ids = await repo.allServiceIds(db);
  const { head, tail } = around({ type: 'FeatureCollection', features: [] }, 'features');
  const batches = renderedBatches(db, ids, batchSize, (s, b) => geoJsonFeatures(s, b).map((f) => JSON.stringify(f)));
  yield* documentChunks(head, batches, ',', () => tail);
}
