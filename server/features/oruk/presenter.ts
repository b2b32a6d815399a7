/**
 * Directory rows → ORUK 3.0 JSON (snake_case, HSDS-shaped). Child records Signpost keeps without their own id
 * (languages, phones, addresses, attributes, organisation identifiers, service capacity) get ids derived with md5
 * from their parent's id, so they are stable across requests and instances. Capacity travels as HSDS 3.1
 * `capacities` (service_capacity objects); ORUK 3.0 schemas allow the extra property. See docs/oruk.md.
 */
import { createHash } from 'node:crypto';
import { CAPACITY_STATUSES, toHsdsServiceCapacity, type CapacityStatus } from '../../../shared/capacity';
import type { LocationRow, OrganizationRow, SalRow, ServiceBundle, ServiceRow, TermRow } from './repository';

/** A JSON object of the feed. */
export type Json = Record<string, unknown>;

/** A stable UUID-shaped id from md5 of the parts (the same as PostgreSQL's `md5(text)::uuid`). */
export function derivedId(...parts: string[]): string {
  const h = createHash('md5').update(parts.join(':')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The one unit of Signpost capacity: a place for one person. */
export const PLACE_UNIT = { id: derivedId('signpost', 'unit', 'place'), name: 'place' };

/** Drops null, undefined and empty-array values (ORUK fields are optional, never null). */
export function compact(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** A taxonomy term. */
export function presentTerm(t: TermRow): Json {
  return compact({
    id: t.oruk_id,
    name: t.name,
    description: t.description,
    parent_id: t.parent_oruk_id,
    taxonomy: t.taxonomy,
    taxonomy_id: t.taxonomy_oruk_id,
    term: t.code,
    version: t.version,
  });
}

/** A taxonomy (a distinct taxonomy name), optionally with its terms. */
export function presentTaxonomy(
  t: { oruk_id: string; taxonomy: string; version: string | null },
  terms?: TermRow[],
): Json {
  return compact({
    id: t.oruk_id,
    name: t.taxonomy,
    description:
      t.taxonomy === 'signpost-social-prescribing'
        ? 'Signpost’s social prescribing taxonomy: kinds of community support a link worker refers people to.'
        : `Taxonomy ${t.taxonomy}`,
    version: t.version,
    taxonomy_terms: terms?.map(presentTerm),
  });
}

/** An organisation without services. */
export function presentOrganization(o: OrganizationRow): Json {
  return compact({
    id: o.id,
    name: o.name,
    alternate_name: o.alternate_name,
    description: o.description,
    email: o.email,
    website: o.website,
    legal_status: o.legal_status,
    phones: o.phone ? [{ id: derivedId(o.id, 'phone'), organization_id: o.id, number: o.phone }] : undefined,
    organization_identifiers: o.charity_number
      ? [
          {
            id: derivedId(o.id, 'charity'),
            organization_id: o.id,
            identifier_scheme: 'GB-CHC',
            identifier_type: 'Charity number',
            identifier: o.charity_number,
          },
        ]
      : undefined,
  });
}

/** A location with its address. */
export function presentLocation(l: LocationRow): Json {
  const hasAddress = l.postcode || l.address_1 || l.city;
  return compact({
    id: l.id,
    location_type: 'physical',
    name: l.name,
    description: l.description,
    latitude: l.lat == null ? undefined : Number(l.lat),
    longitude: l.lng == null ? undefined : Number(l.lng),
    addresses: hasAddress
      ? [
          {
            id: derivedId(l.id, 'address'),
            location_id: l.id,
            address_1: l.address_1 ?? '',
            city: l.city ?? '',
            state_province: l.region ?? '',
            postal_code: l.postcode ?? '',
            country: l.country,
            address_type: 'physical',
          },
        ]
      : undefined,
  });
}

/** A service-at-location with its location. */
export function presentServiceAtLocation(r: SalRow): Json {
  return { id: r.sal_id, service_id: r.service_id, location_id: r.location_id, location: presentLocation(r) };
}

/** The HSDS 3.1 service_capacity of a service, or undefined when capacity was never set. */
export function presentCapacity(s: ServiceRow): Json | undefined {
  const status = s.capacity_status as CapacityStatus | null;
  if (!status || !CAPACITY_STATUSES.includes(status)) return undefined;
  const c = toHsdsServiceCapacity({
    serviceId: s.id,
    status,
    places: s.capacity_places,
    waitDays: s.capacity_wait_days,
    updated: s.capacity_updated ?? s.updated_at,
  });
  return { id: derivedId(s.id, 'capacity'), ...c, unit: PLACE_UNIT };
}

/**
 * Provenance of an imported service as HSDS 3.0 metadata entries (ORUK 3.0's service schema allows additional
 * properties and has no metadata of its own): when it was first imported and when its source last carried it.
 */
export function presentProvenance(s: ServiceRow): Json[] | undefined {
  if (!s.source) return undefined;
  const source = s.source.replace(/^oruk:/, '');
  const entry = (kind: string, at: string | null, value: string) =>
    at
      ? [
          {
            id: derivedId(s.id, 'metadata', kind),
            resource_id: s.id,
            resource_type: 'service',
            last_action_date: at.slice(0, 10),
            last_action_type: kind,
            field_name: 'source',
            previous_value: '',
            replacement_value: value,
            updated_by: source,
          },
        ]
      : [];
  const ref = s.source_ref ? ` (id ${s.source_ref})` : '';
  return [
    ...entry('imported', s.first_imported_at, `${source}${ref}`),
    ...entry('last seen in source', s.last_seen_at, `${source}${ref}`),
  ];
}

/** The one-to-one fields of a service (list items), with its organisation and capacity. */
export function presentServiceBasic(s: ServiceRow, org: OrganizationRow | undefined): Json {
  const capacity = presentCapacity(s);
  return compact({
    id: s.id,
    organization_id: s.organization_id,
    name: s.name,
    alternate_name: s.alternate_name,
    description: s.description,
    url: s.url,
    email: s.email,
    status: s.status,
    fees: s.fees_description,
    eligibility_description: s.eligibility_description,
    application_process: s.referral_instructions,
    minimum_age: s.minimum_age,
    maximum_age: s.maximum_age,
    alert: s.alert,
    last_modified: s.updated_at,
    metadata: presentProvenance(s),
    organization: org ? presentOrganization(org) : undefined,
    capacities: capacity ? [capacity] : undefined,
  });
}

/** A fully nested service. */
export function presentServiceFull(s: ServiceRow, b: ServiceBundle): Json {
  const basic = presentServiceBasic(s, b.organizations.get(s.organization_id));
  const contacts = (b.contacts.get(s.id) ?? []).map((c) =>
    compact({
      id: c.id,
      service_id: s.id,
      name: c.name,
      title: c.title,
      email: c.email,
      phones: c.phone ? [{ id: derivedId(String(c.id), 'phone'), contact_id: c.id, number: c.phone }] : undefined,
    }),
  );
  return compact({
    ...basic,
    service_at_locations: (b.sals.get(s.id) ?? []).map(presentServiceAtLocation),
    schedules: (b.schedules.get(s.id) ?? []).map((r) => compact({ ...r, service_id: s.id })),
    contacts,
    cost_options: (b.costOptions.get(s.id) ?? []).map((r) => compact({ ...r, service_id: s.id })),
    languages: (b.languages.get(s.id) ?? []).map((l) => ({
      id: derivedId(s.id, 'language', l.code),
      service_id: s.id,
      name: l.name,
      code: l.code,
    })),
    service_areas: (b.areas.get(s.id) ?? []).map((a) =>
      compact({ id: a.id, service_id: s.id, name: a.name, service_area: `${a.area_type}:${a.area_code}` }),
    ),
    funding: (b.funding.get(s.id) ?? []).map((f) =>
      compact({ id: f.id, service_id: s.id, source: f.source, ends_on: f.ends_on }),
    ),
    attributes: (b.terms.get(s.id) ?? []).map((t) => ({
      id: derivedId(s.id, 'attribute', t.oruk_id),
      link_id: s.id,
      link_type: 'service',
      link_entity: 'service',
      taxonomy_term_id: t.oruk_id,
      taxonomy_term: presentTerm(t),
    })),
  });
}

/** Pagination envelope exactly as ORUK 3.0 defines it. */
export function presentPage(contents: unknown[], total: number, page: number, perPage: number): Json {
  const totalPages = Math.ceil(total / perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
