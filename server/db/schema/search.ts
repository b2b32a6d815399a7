/**
 * Drizzle schema of service search: `service_search`, one row per public (approved organisation, active service)
 * service-at-location, plus one row without a location for a public service that has none. It is derived data, kept
 * current by PostgreSQL triggers on every directory table in the same transaction as the write (see the migration
 * 0005 and docs/search.md); never written by application code.
 */
import {
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { services } from './directory';

const point = customType<{ data: string; driverData: string }>({ dataType: () => 'geometry(Point,4326)' });
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });

/** The denormalised search table (derived; maintained by triggers). */
export const serviceSearch = pgTable(
  'service_search',
  {
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    /** Null for a service without a location (found only through its service areas, as remote). */
    locationId: uuid('location_id'),
    organizationId: uuid('organization_id').notNull(),
    geom: point('geom'),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    /** English full-text vector: service name (A), organisation name (B), description (C). */
    tsv: tsvector('tsv').notNull(),
    /**
     * Taxonomy term ids of the service and all their ancestors. Deliberately not indexed: a category always comes with a
     * place, and a GIN index tempted the planner into scanning every service of a popular category.
     */
    termIds: uuid('term_ids').array().notNull(),
    modes: text('modes').array().notNull(),
    languages: text('languages').array().notNull(),
    /** Service areas as `type:code` (`england` alone for England-wide). */
    areaCodes: text('area_codes').array().notNull(),
    /** Days (MO…SU) on which any schedule of the service runs. */
    openDays: text('open_days').array().notNull(),
    minAge: integer('min_age'),
    maxAge: integer('max_age'),
    isFree: boolean('is_free'),
    /** Delivered by phone or online (may appear for its service areas whatever the distance). */
    remote: boolean('remote').notNull(),
    capacityStatus: text('capacity_status'),
    capacityConfirmedAt: timestamp('capacity_confirmed_at', { withTimezone: true }),
  },
  (t) => [
    index('service_search_geom_gix').using('gist', t.geom),
    index('service_search_service_idx').on(t.serviceId),
    index('service_search_tsv_gin').using('gin', t.tsv),
    index('service_search_areas_gin').using('gin', t.areaCodes),
  ],
);

/**
 * Pre-aggregated map grid (derived; maintained by a trigger on service_search): per zoom level 7, 8 and 10, cells of
 * 45/2^level degrees (the map's cluster cell at that zoom), counts and coordinate sums per capacity status
 * ('' = never set), so England- and region-wide map views never scan every service.
 */
export const serviceSearchCells = pgTable(
  'service_search_cells',
  {
    level: smallint('level').notNull(),
    gx: integer('gx').notNull(),
    gy: integer('gy').notNull(),
    status: text('status').notNull(),
    n: integer('n').notNull(),
    sumLat: doublePrecision('sum_lat').notNull(),
    sumLng: doublePrecision('sum_lng').notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.gx, t.gy, t.status] })],
);
