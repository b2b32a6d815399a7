/**
 * Drizzle schema of the directory, shaped as Open Referral UK 3.0 / HSDS 3.0 (organisations, services, locations,
 * service-at-location, schedules, contacts, cost options, languages, service areas, taxonomy, funding) plus
 * Signpost's live capacity (HSDS 3.1 service_capacity), its history, and VCSE concerns. Identifiers are UUIDs.
 */
import {
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const point = customType<{ data: string; driverData: string }>({ dataType: () => 'geometry(Point,4326)' });

/** Organisations (ORUK organization). `status` pending → approved | rejected; only approved ones are public. */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    alternateName: text('alternate_name'),
    description: text('description').notNull().default(''),
    email: text('email'),
    website: text('website'),
    phone: text('phone'),
    legalStatus: text('legal_status'),
    /** Registered charity number, if any (ORUK organization_identifier). */
    charityNumber: text('charity_number'),
    status: text('status').notNull().default('pending'),
    /** self (created by a person), import (bulk CSV), oruk (ORUK feed, older imports) or `oruk:` and the feed. */
    source: text('source').notNull().default('self'),
    /** Identifier in the source it was imported from, for de-duplication. */
    sourceRef: text('source_ref'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('organizations_status_idx').on(t.status),
    uniqueIndex('organizations_source_ref_uq').on(t.source, t.sourceRef),
  ],
);

/** Services (ORUK service) with their current capacity. `version` increments on every change (strong ETag). */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    alternateName: text('alternate_name'),
    description: text('description').notNull().default(''),
    url: text('url'),
    email: text('email'),
    /** active | inactive | defunct | temporarily closed (ORUK status). */
    status: text('status').notNull().default('active'),
    /** How to refer: method and instructions. */
    referralMethod: text('referral_method'),
    referralInstructions: text('referral_instructions'),
    referralUrl: text('referral_url'),
    feesDescription: text('fees_description'),
    /** true = stated free, false = stated that there is a cost, null = the source did not say. */
    isFree: boolean('is_free'),
    eligibilityDescription: text('eligibility_description'),
    minimumAge: integer('minimum_age'),
    maximumAge: integer('maximum_age'),
    /** in_person, phone, online (any of). */
    deliveryModes: text('delivery_modes').array().notNull().default(['in_person']),
    accessibility: text('accessibility'),
    alert: text('alert'),
    // Current capacity (history in capacity_history).
    /** accepting | limited | waitlist | not_accepting; null = never set. */
    capacityStatus: text('capacity_status'),
    capacityPlaces: integer('capacity_places'),
    capacityWaitDays: integer('capacity_wait_days'),
    /** none | 1-10 | 11-50 | 51+ */
    capacityWaitlistBand: text('capacity_waitlist_band'),
    capacityNote: text('capacity_note'),
    /** Places per session for recurring groups (the next session), if the service runs sessions. */
    capacitySessionPlaces: integer('capacity_session_places'),
    capacitySetBy: uuid('capacity_set_by'),
    capacitySetAt: timestamp('capacity_set_at', { withTimezone: true }),
    /** Last time someone said the capacity was still accurate (set or re-confirmed). */
    capacityConfirmedAt: timestamp('capacity_confirmed_at', { withTimezone: true }),
    /** Last time a capacity nudge (email with one-tap links) was sent to the service's contact; null = never. */
    capacityNudgedAt: timestamp('capacity_nudged_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // Provenance of a service imported from a feed (null when created in Signpost).
    /** The feed it came from: `oruk:` and the file name or URL. */
    source: text('source'),
    /** The service's id in that feed (any string; Signpost's own id is always its own UUID). */
    sourceRef: text('source_ref'),
    /** Hash of the mapped record last imported: an unchanged record is not rewritten. */
    sourceHash: text('source_hash'),
    firstImportedAt: timestamp('first_imported_at', { withTimezone: true }),
    /** Last time the feed was read and still carried the service. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** Since when a re-read feed no longer carries it (never deleted; search hides it after a while). */
    missingSince: timestamp('missing_since', { withTimezone: true }),
  },
  (t) => [
    index('services_org_idx').on(t.organizationId),
    index('services_capacity_idx').on(t.capacityStatus),
    uniqueIndex('services_source_ref_uq').on(t.source, t.sourceRef),
  ],
);

/** Physical places (ORUK location). */
export const locations = pgTable(
  'locations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name'),
    description: text('description'),
    address1: text('address_1'),
    city: text('city'),
    region: text('region'),
    postcode: text('postcode'),
    country: text('country').notNull().default('GB'),
    transportation: text('transportation'),
    accessibility: text('accessibility'),
    geom: point('geom'),
    /** The feed it came from and its id there (null when created in Signpost). */
    source: text('source'),
    sourceRef: text('source_ref'),
  },
  (t) => [
    index('locations_geom_gix').using('gist', t.geom),
    index('locations_org_idx').on(t.organizationId),
    uniqueIndex('locations_source_ref_uq').on(t.source, t.sourceRef),
  ],
);

/** Where a service is delivered (ORUK service_at_location). */
export const serviceAtLocations = pgTable(
  'service_at_locations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    locationId: uuid('location_id')
      .notNull()
      .references(() => locations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('sal_service_location_uq').on(t.serviceId, t.locationId),
    index('sal_location_idx').on(t.locationId),
  ],
);

/** Opening times and recurring sessions (ORUK schedule, iCal-style). */
export const schedules = pgTable(
  'schedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    serviceAtLocationId: uuid('service_at_location_id').references(() => serviceAtLocations.id, {
      onDelete: 'cascade',
    }),
    /** WEEKLY or MONTHLY. */
    freq: text('freq').notNull().default('WEEKLY'),
    /** Comma-separated iCal days: MO,TU,… */
    byday: text('byday'),
    opensAt: time('opens_at'),
    closesAt: time('closes_at'),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    description: text('description'),
    /** Places per session for recurring groups. */
    sessionPlaces: integer('session_places'),
  },
  (t) => [index('schedules_service_idx').on(t.serviceId)],
);

/** Named contacts of a service (ORUK contact with its phone). */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    name: text('name'),
    title: text('title'),
    email: text('email'),
    phone: text('phone'),
  },
  (t) => [index('contacts_service_idx').on(t.serviceId)],
);

/** Costs (ORUK cost_option). Amount in pounds. */
export const costOptions = pgTable('cost_options', {
  id: uuid('id').primaryKey().defaultRandom(),
  serviceId: uuid('service_id')
    .notNull()
    .references(() => services.id, { onDelete: 'cascade' }),
  option: text('option'),
  amount: doublePrecision('amount'),
  currency: text('currency').notNull().default('GBP'),
  amountDescription: text('amount_description'),
});

/** Languages a service is offered in (ORUK language), ISO 639 codes. */
export const serviceLanguages = pgTable(
  'service_languages',
  {
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.code] })],
);

/** Areas a service covers (ORUK service_area) by area type and code (icb, sub_icb, pcn, lad, england). */
export const serviceAreas = pgTable(
  'service_areas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    areaType: text('area_type').notNull(),
    areaCode: text('area_code').notNull(),
    name: text('name'),
  },
  (t) => [
    index('service_areas_service_idx').on(t.serviceId),
    index('service_areas_area_idx').on(t.areaType, t.areaCode),
  ],
);

/** Taxonomy terms (ORUK taxonomy_term): Signpost's social prescribing taxonomy, hierarchical, editable by admins. */
export const taxonomyTerms = pgTable(
  'taxonomy_terms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    parentId: uuid('parent_id'),
    taxonomy: text('taxonomy').notNull().default('signpost-social-prescribing'),
    version: text('version'),
  },
  (t) => [
    uniqueIndex('taxonomy_terms_code_uq').on(t.taxonomy, t.code),
    index('taxonomy_terms_parent_idx').on(t.parentId),
  ],
);

/** Service ↔ taxonomy term (ORUK attribute). */
export const serviceTaxonomy = pgTable(
  'service_taxonomy',
  {
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    taxonomyTermId: uuid('taxonomy_term_id')
      .notNull()
      .references(() => taxonomyTerms.id, { onDelete: 'restrict' }),
  },
  (t) => [
    primaryKey({ columns: [t.serviceId, t.taxonomyTermId] }),
    index('service_taxonomy_term_idx').on(t.taxonomyTermId),
  ],
);

/** Every capacity change or confirmation, appended and never overwritten. */
export const capacityHistory = pgTable(
  'capacity_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    /** set (a new status) or confirm ("still accurate"). */
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    places: integer('places'),
    waitDays: integer('wait_days'),
    waitlistBand: text('waitlist_band'),
    sessionPlaces: integer('session_places'),
    note: text('note'),
    /** editor | email_link | import | admin. */
    via: text('via').notNull(),
    setBy: uuid('set_by'),
    /** The service version this entry produced. */
    version: integer('version').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('capacity_history_service_idx').on(t.serviceId, t.recordedAt)],
);

/** Funding sources of a service (ORUK funding) with their end dates. */
export const funding = pgTable(
  'funding',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    endsOn: date('ends_on'),
  },
  (t) => [index('funding_service_idx').on(t.serviceId), index('funding_ends_idx').on(t.endsOn)],
);

/** Concerns raised by organisations (capacity, funding, demand surge, other) for commissioners and admins. */
export const concerns = pgTable(
  'concerns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    serviceId: uuid('service_id').references(() => services.id, { onDelete: 'set null' }),
    /** capacity | funding | demand_surge | other. */
    kind: text('kind').notNull(),
    summary: text('summary').notNull(),
    details: text('details').notNull().default(''),
    fundingEndsOn: date('funding_ends_on'),
    /** open | acknowledged | resolved. */
    status: text('status').notNull().default('open'),
    raisedBy: uuid('raised_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('concerns_org_idx').on(t.organizationId), index('concerns_status_idx').on(t.status)],
);

/** Replies on a concern, from the organisation, commissioners or admins. */
export const concernMessages = pgTable(
  'concern_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    concernId: uuid('concern_id')
      .notNull()
      .references(() => concerns.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id'),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('concern_messages_concern_idx').on(t.concernId)],
);

/** Requests by a person to manage an existing (imported) organisation; an admin approves. */
export const organizationClaims = pgTable(
  'organization_claims',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    evidence: text('evidence').notNull().default(''),
    /** pending | approved | rejected. */
    status: text('status').notNull().default('pending'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('organization_claims_org_idx').on(t.organizationId)],
);
