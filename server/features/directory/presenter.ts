/** Directory rows → public DTOs: organisations, services (ORUK-shaped, camelCase), capacity with freshness, taxonomy, concerns. */
import {
  CAPACITY_STATUS_INFO,
  UNCONFIRMED_LABEL,
  capacityFreshness,
  isFundingEndingSoon,
  type CapacityDto,
  type CapacityStatus,
} from '../../../shared/capacity';

import type {
  CapacityHistoryEntry,
  ClaimDto,
  ClaimWithOrganizationDto,
  OrganizationDto,
  OrganizationMatchDto,
  ServiceDto,
  ServiceSummaryDto,
  TaxonomyNodeDto,
} from '../../../shared/directoryDto';

export type { CapacityDto, OrganizationDto, ServiceDto, TaxonomyNodeDto };
import type {
  CapacityHistoryRow,
  ClaimRow,
  ClaimWithOrganization,
  OrganizationMatch,
  ConcernMessageRow,
  ConcernRow,
  OrganizationRow,
  ServiceChildren,
  ServiceRow,
  TaxonomyTermRow,
} from './repository';

/** How presenters judge freshness: the window and the clock. */
export interface FreshnessPolicy {
  /** Days after which unconfirmed capacity is stale. */
  staleDays: number;
  /** The current time. */
  now: Date;
}

const iso = (d: Date | string | null | undefined): string | null =>
  d == null ? null : typeof d === 'string' ? new Date(d).toISOString() : d.toISOString();

/** iso() of a time that is never null (a NOT NULL column). */
const isoTime = (d: Date | string): string => iso(d)!;

/** The strong ETag of a service version. */
export const etagOf = (version: number): string => `"${version}"`;

/** Presents a service's current capacity. */
/** The columns of a service that its capacity is presented from. */
export type CapacityColumns = Pick<
  ServiceRow,
  | 'capacityStatus'
  | 'capacityPlaces'
  | 'capacityWaitDays'
  | 'capacityWaitlistBand'
  | 'capacitySessionPlaces'
  | 'capacityNote'
  | 'capacitySetBy'
  | 'version'
> & {
  /** Dates, or their ISO text when the columns came as JSON (search's page statement). */
  capacitySetAt: Date | string | null;
  capacityConfirmedAt: Date | string | null;
};

export function presentCapacity(s: CapacityColumns, policy: FreshnessPolicy): CapacityDto {
  const status = s.capacityStatus as CapacityStatus | null;
  const freshness = capacityFreshness(s.capacityConfirmedAt, policy.now, policy.staleDays);
  return {
    status,
    label: status ? CAPACITY_STATUS_INFO[status].label : null,
    places: s.capacityPlaces,
    waitDays: s.capacityWaitDays,
    waitlistBand: s.capacityWaitlistBand,
    sessionPlaces: s.capacitySessionPlaces,
    note: s.capacityNote,
    setBy: s.capacitySetBy,
    setAt: iso(s.capacitySetAt),
    asOf: iso(s.capacityConfirmedAt),
    freshness,
    freshnessLabel: freshness === 'unconfirmed' ? UNCONFIRMED_LABEL : null,
    version: s.version,
  };
}

/** Presents an organisation. */
export function presentOrganization(o: OrganizationRow): OrganizationDto {
  return {
    id: o.id,
    name: o.name,
    alternateName: o.alternateName,
    description: o.description,
    email: o.email,
    website: o.website,
    phone: o.phone,
    legalStatus: o.legalStatus,
    charityNumber: o.charityNumber,
    status: o.status,
    source: o.source,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
  };
}

/** Referral pressure of a service (demand feature): "high" when recent referrals exceed its capacity, else null. */
export type Pressure = 'high' | null;

/** A short service entry with its capacity badge and referral pressure (organisation pages, "my organisations"). */
export function presentServiceSummary(
  s: ServiceRow,
  fundingEnds: (string | null)[],
  policy: FreshnessPolicy,
  pressure: Pressure = null,
): ServiceSummaryDto {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    capacity: presentCapacity(s, policy),
    pressure,
    fundingEndingSoon: isFundingEndingSoon(fundingEnds, policy.now),
    version: s.version,
  };
}

const hhmm = (t: string | null) => (t ? t.slice(0, 5) : null);

/** Presents a service with everything it has, and its referral pressure (see docs/demand.md). */
export function presentService(
  s: ServiceRow,
  org: OrganizationRow,
  c: ServiceChildren,
  policy: FreshnessPolicy,
  pressure: Pressure = null,
): ServiceDto {
  const salIndex = new Map(c.locations.map((l, i) => [l.sal_id, i]));
  return {
    id: s.id,
    organizationId: s.organizationId,
    organization: { id: org.id, name: org.name, status: org.status, website: org.website },
    name: s.name,
    alternateName: s.alternateName,
    description: s.description,
    url: s.url,
    email: s.email,
    status: s.status,
    referralMethod: s.referralMethod as ServiceDto['referralMethod'],
    referralInstructions: s.referralInstructions,
    referralUrl: s.referralUrl,
    feesDescription: s.feesDescription,
    isFree: s.isFree,
    eligibilityDescription: s.eligibilityDescription,
    minimumAge: s.minimumAge,
    maximumAge: s.maximumAge,
    deliveryModes: s.deliveryModes,
    accessibility: s.accessibility,
    alert: s.alert,
    capacity: presentCapacity(s, policy),
    pressure,
    locations: c.locations.map((l) => ({
      id: l.id,
      name: l.name,
      description: l.description,
      address1: l.address_1,
      city: l.city,
      region: l.region,
      postcode: l.postcode,
      country: l.country,
      transportation: l.transportation,
      accessibility: l.accessibility,
      lat: l.lat == null ? null : Number(l.lat),
      lng: l.lng == null ? null : Number(l.lng),
    })),
    schedules: c.schedules.map((x) => ({
      id: x.id,
      freq: x.freq,
      byday: x.byday,
      opensAt: hhmm(x.opensAt),
      closesAt: hhmm(x.closesAt),
      validFrom: x.validFrom,
      validTo: x.validTo,
      description: x.description,
      sessionPlaces: x.sessionPlaces,
      locationIndex: x.serviceAtLocationId ? (salIndex.get(x.serviceAtLocationId) ?? null) : null,
    })),
    contacts: c.contacts.map((x) => ({ id: x.id, name: x.name, title: x.title, email: x.email, phone: x.phone })),
    costOptions: c.costOptions.map((x) => ({
      id: x.id,
      option: x.option,
      amount: x.amount,
      currency: x.currency,
      amountDescription: x.amountDescription,
    })),
    languages: c.languages.map((x) => ({ code: x.code, name: x.name })),
    serviceAreas: c.serviceAreas.map((x) => ({ areaType: x.areaType, areaCode: x.areaCode, name: x.name })),
    taxonomy: c.taxonomy.map((x) => ({ id: x.id, code: x.code, name: x.name })),
    funding: c.funding.map((x) => ({ id: x.id, source: x.source, endsOn: x.endsOn })),
    fundingEndingSoon: isFundingEndingSoon(
      c.funding.map((f) => f.endsOn),
      policy.now,
    ),
    provenance: s.source
      ? {
          source: s.source.replace(/^oruk:/, ''),
          sourceRef: s.sourceRef,
          firstImportedAt: iso(s.firstImportedAt),
          lastSeenAt: iso(s.lastSeenAt),
          missingSince: iso(s.missingSince),
        }
      : null,
    version: s.version,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** Presents one capacity history entry. */
export const presentCapacityHistory = (h: CapacityHistoryRow): CapacityHistoryEntry => ({
  id: h.id,
  kind: h.kind,
  status: h.status as CapacityStatus,
  places: h.places,
  waitDays: h.waitDays,
  waitlistBand: h.waitlistBand,
  sessionPlaces: h.sessionPlaces,
  note: h.note,
  via: h.via,
  setBy: h.setBy,
  version: h.version,
  recordedAt: isoTime(h.recordedAt),
});

/** Presents one taxonomy term (no children). */
export const presentTaxonomyTerm = (t: TaxonomyTermRow): TaxonomyNodeDto => ({
  id: t.id,
  code: t.code,
  name: t.name,
  description: t.description,
  parentId: t.parentId,
  children: [],
});

/** Builds the taxonomy tree from flat terms (roots sorted by name). */
export function presentTaxonomyTree(rows: TaxonomyTermRow[]): TaxonomyNodeDto[] {
  const nodes = new Map(rows.map((r) => [r.id, presentTaxonomyTerm(r)]));
  const roots: TaxonomyNodeDto[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  const sort = (list: TaxonomyNodeDto[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/** Presents a claim. */
export const presentClaim = (c: ClaimRow): ClaimDto => ({
  id: c.id,
  organizationId: c.organizationId,
  userId: c.userId,
  evidence: c.evidence,
  status: c.status,
  decidedBy: c.decidedBy,
  decidedAt: iso(c.decidedAt),
  createdAt: iso(c.createdAt),
});

/** Presents a claim with its organisation's name (admin review, the claimant's own claims). */
export const presentClaimWithOrganization = (c: ClaimWithOrganization): ClaimWithOrganizationDto => ({
  ...presentClaim(c),
  organizationName: c.organizationName,
});

/** Presents an organisation found by name (id, name, and where it is). */
export const presentOrganizationMatch = (m: OrganizationMatch): OrganizationMatchDto => ({
  id: m.id,
  name: m.name,
  town: m.town,
  postcode: m.postcode,
});

/** Presents a concern with its messages. */
export const presentConcern = (c: ConcernRow, messages: ConcernMessageRow[]) => ({
  id: c.id,
  organizationId: c.organizationId,
  serviceId: c.serviceId,
  kind: c.kind,
  summary: c.summary,
  details: c.details,
  fundingEndsOn: c.fundingEndsOn,
  status: c.status,
  raisedBy: c.raisedBy,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
  messages: messages
    .filter((m) => m.concernId === c.id)
    .map((m) => ({ id: m.id, authorId: m.authorId, body: m.body, createdAt: iso(m.createdAt) })),
});
