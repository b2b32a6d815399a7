/**
 * Shapes of the directory API's answers (organisations, services, capacity history, taxonomy, claims): the server's
 * presenters return them and the client reads them, so both sides agree at compile time. Type aliases rather than
 * interfaces, so they are plain records (the audit log takes them as Record<string, unknown>).
 */
import type { CapacityDto, CapacityStatus } from './capacity';

export type { CapacityDto };

/** An organisation (GET/POST/PATCH /api/organizations). */
export type OrganizationDto = {
  id: string;
  name: string;
  alternateName: string | null;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legalStatus: string | null;
  charityNumber: string | null;
  /** pending, approved or rejected. */
  status: string;
  /** self (added by a person) or import. */
  source: string;
  /** ISO times. */
  createdAt: string | null;
  updatedAt: string | null;
};

/** A service in an organisation's list, with its capacity badge. */
export type ServiceSummaryDto = {
  id: string;
  name: string;
  status: string;
  capacity: CapacityDto;
  /** Referral pressure: "high" when referrals in the last 28 days exceed what it can take (docs/demand.md). */
  pressure: 'high' | null;
  fundingEndingSoon: boolean;
  version: number;
};

/** An organisation with its services (GET /api/organizations/:id). */
export type OrganizationWithServicesDto = OrganizationDto & {
  services: ServiceSummaryDto[];
};

/** One of the signed-in person's organisations (GET /api/my/organizations). */
export type MyOrganizationDto = OrganizationWithServicesDto & {
  /** Ids of its services whose funding ends within 90 days. */
  servicesWithFundingEndingSoon: string[];
};

/** An approved organisation found by name (GET /api/organizations?q=). */
export type OrganizationMatchDto = {
  id: string;
  name: string;
  /** Town of its first location, if known. */
  town: string | null;
  postcode: string | null;
};

/** A claim on an organisation (POST /api/organizations/:id/claims). */
export type ClaimDto = {
  id: string;
  organizationId: string;
  userId: string;
  evidence: string;
  /** pending, approved or rejected. */
  status: string;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string | null;
};

/** A claim with its organisation's name (GET /api/my/claims, GET /api/admin/claims). */
export type ClaimWithOrganizationDto = ClaimDto & {
  organizationName: string;
};

/** A location of a service. */
export type LocationDto = {
  id: string;
  name: string | null;
  description: string | null;
  address1: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string;
  transportation: string | null;
  accessibility: string | null;
  lat: number | null;
  lng: number | null;
};

/** An opening time or session. */
export type ScheduleDto = {
  id: string;
  freq: string;
  byday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  validFrom: string | null;
  validTo: string | null;
  description: string | null;
  sessionPlaces: number | null;
  /** Index into the service's locations, or null for the service as a whole. */
  locationIndex: number | null;
};

/** A service with everything it has (GET /api/services/:id). */
export type ServiceDto = {
  id: string;
  organizationId: string;
  organization: { id: string; name: string; status: string; website: string | null };
  name: string;
  alternateName: string | null;
  description: string;
  url: string | null;
  email: string | null;
  status: string;
  referralMethod: 'self' | 'professional' | 'either' | null;
  referralInstructions: string | null;
  referralUrl: string | null;
  feesDescription: string | null;
  /** true = stated free, false = stated cost, null = not stated. */
  isFree: boolean | null;
  eligibilityDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  deliveryModes: string[];
  accessibility: string | null;
  alert: string | null;
  capacity: CapacityDto;
  /** Referral pressure: "high" when referrals in the last 28 days exceed what it can take (docs/demand.md). */
  pressure: 'high' | null;
  locations: LocationDto[];
  schedules: ScheduleDto[];
  contacts: { id: string; name: string | null; title: string | null; email: string | null; phone: string | null }[];
  costOptions: {
    id: string;
    option: string | null;
    amount: number | null;
    currency: string | null;
    amountDescription: string | null;
  }[];
  languages: { code: string; name: string }[];
  serviceAreas: { areaType: string; areaCode: string; name: string | null }[];
  taxonomy: { id: string; code: string; name: string }[];
  funding: { id: string; source: string; endsOn: string | null }[];
  fundingEndingSoon: boolean;
  /** Where an imported service came from (null when created in Signpost). */
  provenance: {
    /** The feed: its file name or URL. */
    source: string;
    /** The service's id in the feed. */
    sourceRef: string | null;
    firstImportedAt: string | null;
    /** Last time the feed was read and still carried it. */
    lastSeenAt: string | null;
    /** Since when the feed no longer carries it. */
    missingSince: string | null;
  } | null;
  version: number;
  createdAt: string | null;
  updatedAt: string | null;
};

/** One capacity history entry (GET /api/services/:id/capacity/history). */
export type CapacityHistoryEntry = {
  id: number;
  /** set or confirm. */
  kind: string;
  status: CapacityStatus;
  places: number | null;
  waitDays: number | null;
  waitlistBand: string | null;
  sessionPlaces: number | null;
  note: string | null;
  via: string | null;
  setBy: string | null;
  version: number | null;
  /** ISO time. */
  recordedAt: string;
};

/** A taxonomy term with its children (GET /api/taxonomy). */
export type TaxonomyNodeDto = {
  id: string;
  code: string;
  name: string;
  description: string;
  parentId: string | null;
  children: TaxonomyNodeDto[];
};
