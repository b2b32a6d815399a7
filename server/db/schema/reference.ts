/** Drizzle schema of the reference data (geography, need, workforce, postcodes). Geometry is WGS84 (SRID 4326) PostGIS types with GiST indexes. */
import { customType, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** PostGIS geometry column of a given type in WGS84; read and written through SQL (ST_AsGeoJSON / ST_GeomFromGeoJSON). */
const geometry = (name: string, type: 'Point' | 'MultiPolygon') =>
  customType<{ data: string; driverData: string }>({
    dataType: () => `geometry(${type},4326)`,
  })(name);

/** NHS England commissioning regions. */
export const regions = pgTable('regions', {
  code: text('code').primaryKey(),
  onsCode: text('ons_code').notNull(),
  name: text('name').notNull(),
});

/** Integrated Care Boards (42), keyed by NHS ODS code (e.g. QHM) with the ONS code (E54…). */
export const icbs = pgTable(
  'icbs',
  {
    code: text('code').primaryKey(),
    onsCode: text('ons_code').notNull().unique(),
    name: text('name').notNull(),
    regionCode: text('region_code').references(() => regions.code),
    geom: geometry('geom', 'MultiPolygon'),
  },
  (t) => [index('icbs_geom_gix').using('gist', t.geom)],
);

/** Sub-ICB locations (106), keyed by NHS code (e.g. 16C). */
export const subIcbs = pgTable(
  'sub_icbs',
  {
    code: text('code').primaryKey(),
    onsCode: text('ons_code').notNull().unique(),
    name: text('name').notNull(),
    icbCode: text('icb_code')
      .notNull()
      .references(() => icbs.code),
    geom: geometry('geom', 'MultiPolygon'),
  },
  (t) => [index('sub_icbs_geom_gix').using('gist', t.geom), index('sub_icbs_icb_idx').on(t.icbCode)],
);

/** Primary Care Networks; `geom` is Signpost's approximate catchment (see docs/catchments.md). */
export const pcns = pgTable(
  'pcns',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    subIcbCode: text('sub_icb_code').references(() => subIcbs.code),
    icbCode: text('icb_code')
      .notNull()
      .references(() => icbs.code),
    geom: geometry('geom', 'MultiPolygon'),
    centroid: geometry('centroid', 'Point'),
  },
  (t) => [index('pcns_geom_gix').using('gist', t.geom), index('pcns_icb_idx').on(t.icbCode)],
);

/** GP practices with their PCN and registered list size. */
export const practices = pgTable(
  'practices',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    postcode: text('postcode'),
    pcnCode: text('pcn_code').references(() => pcns.code),
    subIcbCode: text('sub_icb_code').notNull(),
    icbCode: text('icb_code').notNull(),
    listSize: integer('list_size').notNull(),
    /** Period of the list size, e.g. 2025-12. */
    period: text('period').notNull(),
    location: geometry('location', 'Point'),
  },
  (t) => [index('practices_location_gix').using('gist', t.location), index('practices_pcn_idx').on(t.pcnCode)],
);

/** Lower-layer Super Output Areas (2021) with their polygon, centre and assigned (approximate) PCN. */
export const lsoas = pgTable(
  'lsoas',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    ladCode: text('lad_code').notNull(),
    ladName: text('lad_name').notNull(),
    subIcbCode: text('sub_icb_code').notNull(),
    icbCode: text('icb_code').notNull(),
    pcnCode: text('pcn_code'),
    residents: integer('residents').notNull(),
    geom: geometry('geom', 'MultiPolygon'),
    centroid: geometry('centroid', 'Point').notNull(),
  },
  (t) => [
    index('lsoas_geom_gix').using('gist', t.geom),
    index('lsoas_centroid_gix').using('gist', t.centroid),
    index('lsoas_pcn_idx').on(t.pcnCode),
  ],
);

/** Indicators per area in long format: one row per area, indicator and period. Missing data has no row. */
export const areaIndicators = pgTable(
  'area_indicators',
  {
    areaType: text('area_type').notNull(),
    areaCode: text('area_code').notNull(),
    indicator: text('indicator').notNull(),
    period: text('period').notNull(),
    value: doublePrecision('value').notNull(),
    source: text('source').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.areaType, t.areaCode, t.indicator, t.period] }),
    index('area_indicators_lookup_idx').on(t.areaType, t.indicator, t.period),
  ],
);

/** PCN workforce by period and role (FTE and headcount), from NHS England's PCN workforce statistics. */
export const pcnWorkforce = pgTable(
  'pcn_workforce',
  {
    pcnCode: text('pcn_code').notNull(),
    period: text('period').notNull(),
    role: text('role').notNull(),
    fte: doublePrecision('fte').notNull(),
    headcount: integer('headcount'),
  },
  (t) => [primaryKey({ columns: [t.pcnCode, t.period, t.role] })],
);

/** Full postcodes (ONS NSPL centroids); `key` is the upper-case postcode without spaces. */
export const postcodes = pgTable('postcodes', {
  key: text('key').primaryKey(),
  postcode: text('postcode').notNull(),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
});

/** Postcode sectors (e.g. "M13 9") and districts (e.g. "M13") with the mean of their postcodes' centroids. */
export const postcodeAreas = pgTable(
  'postcode_areas',
  {
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);

/** One row per dataset import that changed the database, for idempotence and provenance. */
export const datasetImports = pgTable(
  'dataset_imports',
  {
    dataset: text('dataset').notNull(),
    period: text('period').notNull(),
    checksum: text('checksum').notNull(),
    rows: integer('rows').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.dataset, t.period] })],
);
