/**
 * The one way imports write into the directory: the spreadsheet import and the ORUK feed import each describe what
 * they found as an ImportBatch and call writeImportBatch inside their own transaction. The batch says what to create
 * and what to update; the SQL (set-based, importRepository.ts) lives here, in the directory feature.
 *
 * Rules of a batch. A field left `undefined` is not stated: a new record gets the column default, an updated one
 * keeps its stored value (e.g. a spreadsheet that gives no cost leaves is_free alone); `null` clears it. An updated
 * organisation or service is touched only when a stated value differs, and only then does a service's version (its
 * ETag) move. Children of a service are added, after clearing what its `replace` policy names.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db';
import * as repo from './importRepository';
import type { Field } from './importRepository';

/** An organisation written by an import. */
export interface ImportedOrganization {
  id: string;
  name: string;
  alternateName?: string | null;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legalStatus: string | null;
  charityNumber: string | null;
  /** Written on creation only (an admin may change it later). */
  status: string;
  /** Provenance (written on creation only): `import` (spreadsheets) or `oruk:` and the feed; the record's key there. */
  source: string;
  sourceRef: string;
}

/** Capacity stated by a source: recorded in the capacity history when it differs from the stored one. */
export interface ImportedCapacity {
  status: string;
  places: number | null;
  waitDays: number | null;
  /** When the source set it. */
  at: Date;
}

/** A service written by an import (undefined = not stated, see the file comment). */
export interface ImportedService {
  id: string;
  organizationId: string;
  name: string;
  alternateName?: string | null;
  description: string;
  url: string | null;
  email: string | null;
  status?: string;
  referralMethod?: string | null;
  referralInstructions: string | null;
  feesDescription?: string | null;
  /** true = stated free, false = stated a cost, null = the source says it does not know; undefined = keep. */
  isFree?: boolean | null;
  eligibilityDescription?: string | null;
  minimumAge?: number | null;
  maximumAge?: number | null;
  alert?: string | null;
  deliveryModes?: string[];
  /** Current capacity; null clears it. */
  capacity?: ImportedCapacity | null;
  // Provenance of a feed's service.
  source?: string;
  sourceRef?: string;
  sourceHash?: string;
  /** Written on creation only. */
  firstImportedAt?: Date;
  lastSeenAt?: Date;
  missingSince?: null;
  /**
   * For an updated service, which existing children to clear before this batch's are added: `all` (location links,
   * schedules, contacts, cost options, languages, areas, funding and taxonomy) or `serviceWideSchedules` (schedules
   * not tied to a location; the rest is added to). Default none.
   */
  replace?: 'all' | 'serviceWideSchedules';
}

/** A location written by an import. */
export interface ImportedLocation {
  id: string;
  /** Written on creation only. */
  organizationId: string;
  name?: string | null;
  description?: string | null;
  address1: string | null;
  city: string | null;
  region?: string | null;
  postcode: string | null;
  country?: string;
  /** Its point; null when it has none. */
  point: { lat: number; lng: number } | null;
  source?: string;
  sourceRef?: string;
}

/** A service delivered at a location (an existing link is kept). `id` is given when schedules point at it. */
export interface ImportedServiceAtLocation {
  id?: string;
  serviceId: string;
  locationId: string;
}

/** An opening time or session; tied to a location when serviceAtLocationId is given. */
export interface ImportedSchedule {
  serviceId: string;
  serviceAtLocationId?: string | null;
  freq: string;
  byday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  description: string | null;
}

/** A contact of a service. */
export interface ImportedContact {
  serviceId: string;
  name: string | null;
  title: string | null;
  email: string | null;
  phone: string | null;
}

/** A cost option of a service (amount in pounds). */
export interface ImportedCostOption {
  serviceId: string;
  option: string | null;
  amount: number | null;
  currency: string;
  amountDescription: string | null;
}

/** A language a service is offered in. */
export interface ImportedLanguage {
  serviceId: string;
  code: string;
  name: string;
}

/** An area a service covers. */
export interface ImportedServiceArea {
  serviceId: string;
  areaType: string;
  areaCode: string;
  name: string | null;
}

/** A funding source of a service. */
export interface ImportedFunding {
  serviceId: string;
  source: string;
  endsOn: string | null;
}

/** A taxonomy term a feed brings that the directory did not have. */
export interface ImportedTaxonomyTerm {
  id: string;
  taxonomy: string;
  code: string;
  name: string;
  description: string;
}

/** Everything one import writes, new and updated records apart. */
export interface ImportBatch {
  organizations: { create: ImportedOrganization[]; update: ImportedOrganization[] };
  services: { create: ImportedService[]; update: ImportedService[] };
  locations: { create: ImportedLocation[]; update: ImportedLocation[] };
  serviceAtLocations?: ImportedServiceAtLocation[];
  schedules?: ImportedSchedule[];
  contacts?: ImportedContact[];
  costOptions?: ImportedCostOption[];
  languages?: ImportedLanguage[];
  serviceAreas?: ImportedServiceArea[];
  funding?: ImportedFunding[];
  /** Terms to add to the taxonomy before linking. */
  taxonomyTerms?: ImportedTaxonomyTerm[];
  /** Taxonomy links to add (existing links are kept unless the service's replace policy is `all`). */
  taxonomyLinks?: { serviceId: string; termId: string }[];
  /** Services a feed still carries unchanged: last seen now, no longer missing. */
  seen?: { serviceIds: string[]; at: Date };
  /** A complete feed read: its source's services whose source_ref it no longer carries are marked missing. */
  missing?: { source: string; presentRefs: string[]; at: Date };
  /** Called after the organisations and after the locations are written (a job reports progress there). */
  onStage?: (stage: 'organizations' | 'locations') => void | Promise<void>;
}

/** What writeImportBatch did beyond the batch itself. */
export interface ImportBatchResult {
  /** Services newly marked missing. */
  missing: number;
}

const ORGANIZATION_FIELDS: Field<ImportedOrganization>[] = [
  { key: 'name', column: 'name', type: 'text' },
  { key: 'alternateName', column: 'alternate_name', type: 'text' },
  { key: 'description', column: 'description', type: 'text' },
  { key: 'email', column: 'email', type: 'text' },
  { key: 'website', column: 'website', type: 'text' },
  { key: 'phone', column: 'phone', type: 'text' },
  { key: 'legalStatus', column: 'legal_status', type: 'text' },
  { key: 'charityNumber', column: 'charity_number', type: 'text' },
];
const ORGANIZATION_CREATE: Field<ImportedOrganization>[] = [
  { key: 'id', column: 'id', type: 'uuid' },
  ...ORGANIZATION_FIELDS,
  { key: 'status', column: 'status', type: 'text' },
  { key: 'source', column: 'source', type: 'text' },
  { key: 'sourceRef', column: 'source_ref', type: 'text' },
];

/** A service as columns: capacity spread over its five. */
type ServiceColumns = Omit<ImportedService, 'capacity' | 'replace'> & {
  capacityStatus?: string | null;
  capacityPlaces?: number | null;
  capacityWaitDays?: number | null;
  capacitySetAt?: Date | null;
  capacityConfirmedAt?: Date | null;
};
const SERVICE_FIELDS: Field<ServiceColumns>[] = [
  { key: 'name', column: 'name', type: 'text' },
  { key: 'alternateName', column: 'alternate_name', type: 'text' },
  { key: 'description', column: 'description', type: 'text' },
  { key: 'url', column: 'url', type: 'text' },
  { key: 'email', column: 'email', type: 'text' },
  { key: 'status', column: 'status', type: 'text' },
  { key: 'referralMethod', column: 'referral_method', type: 'text' },
  { key: 'referralInstructions', column: 'referral_instructions', type: 'text' },
  { key: 'feesDescription', column: 'fees_description', type: 'text' },
  { key: 'isFree', column: 'is_free', type: 'bool' },
  { key: 'eligibilityDescription', column: 'eligibility_description', type: 'text' },
  { key: 'minimumAge', column: 'minimum_age', type: 'int4' },
  { key: 'maximumAge', column: 'maximum_age', type: 'int4' },
  { key: 'alert', column: 'alert', type: 'text' },
  { key: 'deliveryModes', column: 'delivery_modes', type: 'text[]' },
  { key: 'capacityStatus', column: 'capacity_status', type: 'text' },
  { key: 'capacityPlaces', column: 'capacity_places', type: 'int4' },
  { key: 'capacityWaitDays', column: 'capacity_wait_days', type: 'int4' },
  { key: 'capacitySetAt', column: 'capacity_set_at', type: 'timestamptz' },
  { key: 'capacityConfirmedAt', column: 'capacity_confirmed_at', type: 'timestamptz' },
  { key: 'source', column: 'source', type: 'text' },
  { key: 'sourceRef', column: 'source_ref', type: 'text' },
  { key: 'sourceHash', column: 'source_hash', type: 'text' },
  { key: 'lastSeenAt', column: 'last_seen_at', type: 'timestamptz' },
  { key: 'missingSince', column: 'missing_since', type: 'timestamptz' },
];
const SERVICE_CREATE: Field<ServiceColumns>[] = [
  { key: 'id', column: 'id', type: 'uuid' },
  { key: 'organizationId', column: 'organization_id', type: 'uuid' },
  ...SERVICE_FIELDS,
  { key: 'firstImportedAt', column: 'first_imported_at', type: 'timestamptz' },
];

const LOCATION_FIELDS: Field<ImportedLocation>[] = [
  { key: 'name', column: 'name', type: 'text' },
  { key: 'description', column: 'description', type: 'text' },
  { key: 'address1', column: 'address_1', type: 'text' },
  { key: 'city', column: 'city', type: 'text' },
  { key: 'region', column: 'region', type: 'text' },
  { key: 'postcode', column: 'postcode', type: 'text' },
  { key: 'country', column: 'country', type: 'text' },
  { key: 'point', column: 'geom', type: 'point' },
  { key: 'source', column: 'source', type: 'text' },
  { key: 'sourceRef', column: 'source_ref', type: 'text' },
];
const LOCATION_CREATE: Field<ImportedLocation>[] = [
  { key: 'id', column: 'id', type: 'uuid' },
  { key: 'organizationId', column: 'organization_id', type: 'uuid' },
  ...LOCATION_FIELDS,
];

function columnsOf(s: ImportedService): ServiceColumns {
  const { capacity, replace: _replace, ...rest } = s;
  if (capacity === undefined) return rest;
  return {
    ...rest,
    capacityStatus: capacity?.status ?? null,
    capacityPlaces: capacity?.places ?? null,
    capacityWaitDays: capacity?.waitDays ?? null,
    capacitySetAt: capacity?.at ?? null,
    capacityConfirmedAt: capacity?.at ?? null,
  };
}

const capacityKey = (c: ImportedCapacity) =>
  [c.status, c.places, c.waitDays, c.at.getTime()].filter((v) => v != null).join('|');

/**
 * Writes an import's batch into the directory, inside the caller's transaction: organisations, services (with capacity
 * history when the stated capacity changed), locations, then each service's children; then the feed's seen and
 * missing marks.
 */
export async function writeImportBatch(tx: Db, batch: ImportBatch): Promise<ImportBatchResult> {
  const { organizations, services, locations } = batch;

  await repo.insertRows(tx, 'organizations', ORGANIZATION_CREATE, organizations.create);
  await repo.updateRows(tx, 'organizations', ORGANIZATION_FIELDS, organizations.update, {
    onlyChanged: true,
    alsoSet: 'updated_at = now()',
  });
  await batch.onStage?.('organizations');

  const updated = services.update;
  await repo.deleteServiceChildren(
    tx,
    updated.filter((s) => s.replace === 'all').map((s) => s.id),
  );
  await repo.insertRows(tx, 'services', SERVICE_CREATE, services.create.map(columnsOf));
  const withCapacity = [...services.create, ...updated].filter((s) => s.capacity);
  const capacityBefore = await repo.capacityKeys(
    tx,
    updated.filter((s) => s.capacity).map((s) => s.id),
  );
  await repo.updateRows(tx, 'services', SERVICE_FIELDS, updated.map(columnsOf), {
    onlyChanged: true,
    alsoSet: 'version = t.version + 1, updated_at = now()',
  });
  await repo.insertCapacityEntries(
    tx,
    withCapacity
      .filter((s) => capacityBefore.get(s.id) !== capacityKey(s.capacity!))
      .map((s) => ({
        serviceId: s.id,
        status: s.capacity!.status,
        places: s.capacity!.places,
        waitDays: s.capacity!.waitDays,
        recordedAt: s.capacity!.at,
      })),
  );

  await repo.insertRows(tx, 'locations', LOCATION_CREATE, locations.create);
  await repo.updateRows(tx, 'locations', LOCATION_FIELDS, locations.update, { onlyChanged: false });
  await batch.onStage?.('locations');

  await repo.insertRows(
    tx,
    'service_at_locations',
    [
      { key: 'id', column: 'id', type: 'uuid' },
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'locationId', column: 'location_id', type: 'uuid' },
    ],
    (batch.serviceAtLocations ?? []).map((l) => ({ ...l, id: l.id ?? randomUUID() })),
    { onConflict: 'on conflict do nothing' },
  );
  await repo.deleteServiceWideSchedules(
    tx,
    updated.filter((s) => s.replace === 'serviceWideSchedules').map((s) => s.id),
  );
  await repo.insertRows(
    tx,
    'schedules',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'serviceAtLocationId', column: 'service_at_location_id', type: 'uuid' },
      { key: 'freq', column: 'freq', type: 'text' },
      { key: 'byday', column: 'byday', type: 'text' },
      { key: 'opensAt', column: 'opens_at', type: 'time' },
      { key: 'closesAt', column: 'closes_at', type: 'time' },
      { key: 'validFrom', column: 'valid_from', type: 'date' },
      { key: 'validTo', column: 'valid_to', type: 'date' },
      { key: 'description', column: 'description', type: 'text' },
    ],
    batch.schedules ?? [],
  );
  await repo.insertRows(
    tx,
    'contacts',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'name', column: 'name', type: 'text' },
      { key: 'title', column: 'title', type: 'text' },
      { key: 'email', column: 'email', type: 'text' },
      { key: 'phone', column: 'phone', type: 'text' },
    ],
    batch.contacts ?? [],
  );
  await repo.insertRows(
    tx,
    'cost_options',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'option', column: 'option', type: 'text' },
      { key: 'amount', column: 'amount', type: 'float8' },
      { key: 'currency', column: 'currency', type: 'text' },
      { key: 'amountDescription', column: 'amount_description', type: 'text' },
    ],
    batch.costOptions ?? [],
  );
  await repo.insertRows(
    tx,
    'service_languages',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'code', column: 'code', type: 'text' },
      { key: 'name', column: 'name', type: 'text' },
    ],
    batch.languages ?? [],
  );
  await repo.insertRows(
    tx,
    'service_areas',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'areaType', column: 'area_type', type: 'text' },
      { key: 'areaCode', column: 'area_code', type: 'text' },
      { key: 'name', column: 'name', type: 'text' },
    ],
    batch.serviceAreas ?? [],
  );
  await repo.insertRows(
    tx,
    'funding',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'source', column: 'source', type: 'text' },
      { key: 'endsOn', column: 'ends_on', type: 'date' },
    ],
    batch.funding ?? [],
  );
  await repo.insertRows(
    tx,
    'taxonomy_terms',
    [
      { key: 'id', column: 'id', type: 'uuid' },
      { key: 'taxonomy', column: 'taxonomy', type: 'text' },
      { key: 'code', column: 'code', type: 'text' },
      { key: 'name', column: 'name', type: 'text' },
      { key: 'description', column: 'description', type: 'text' },
    ],
    batch.taxonomyTerms ?? [],
  );
  await repo.insertRows(
    tx,
    'service_taxonomy',
    [
      { key: 'serviceId', column: 'service_id', type: 'uuid' },
      { key: 'termId', column: 'taxonomy_term_id', type: 'uuid' },
    ],
    batch.taxonomyLinks ?? [],
    { onConflict: 'on conflict do nothing' },
  );

  if (batch.seen) await repo.markSeen(tx, batch.seen.serviceIds, batch.seen.at);
  const missing = batch.missing
    ? await repo.markMissing(tx, batch.missing.source, batch.missing.presentRefs, batch.missing.at)
    : 0;
  return { missing };
}
