/** Shapes of the directory API answers (services, capacity, organisations, history) as the client reads them. */
import type { CapacityStatus } from '@shared/capacity';

export type { CapacityDto } from '@shared/capacity';
import type { CapacityDto } from '@shared/capacity';

/** A service in an organisation's list. */
export interface ServiceSummaryDto {
  id: string;
  name: string;
  status: string;
  capacity: CapacityDto;
  /** Referral pressure: "high" when referrals in the last 28 days exceed what it can take (docs/demand.md). */
  pressure: 'high' | null;
  fundingEndingSoon: boolean;
  version: number;
}

/** An organisation with its services (GET /api/my/organizations). */
export interface MyOrganizationDto {
  id: string;
  name: string;
  alternateName: string | null;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legalStatus: string | null;
  charityNumber: string | null;
  status: string;
  services: ServiceSummaryDto[];
  servicesWithFundingEndingSoon: string[];
}

/** A location of a service. */
export interface LocationDto {
  id: string;
  name: string | null;
  description: string | null;
  address1: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  transportation: string | null;
  accessibility: string | null;
  lat: number | null;
  lng: number | null;
}

/** An opening time or session. */
export interface ScheduleDto {
  id: string;
  freq: string;
  byday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  validFrom: string | null;
  validTo: string | null;
  description: string | null;
  sessionPlaces: number | null;
  locationIndex: number | null;
}

/** A service with everything it has (GET /api/services/:id). */
export interface ServiceDto {
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
  isFree: boolean;
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
    amount: number | string | null;
    currency: string | null;
    amountDescription: string | null;
  }[];
  languages: { code: string; name: string }[];
  serviceAreas: { areaType: string; areaCode: string; name: string | null }[];
  taxonomy: { id: string; code: string; name: string }[];
  funding: { id: string; source: string; endsOn: string | null }[];
  fundingEndingSoon: boolean;
  version: number;
}

/** One capacity history entry (GET /api/services/:id/capacity/history). */
export interface CapacityHistoryEntry {
  id: string | number;
  /** set or confirm. */
  kind: string;
  status: CapacityStatus;
  places: number | null;
  waitDays: number | null;
  note: string | null;
  via: string | null;
  setBy: string | null;
  version: number | null;
  /** ISO time. */
  recordedAt: string;
}
