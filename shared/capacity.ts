/**
 * Live capacity of a service: the four statuses and what each means, their mapping onto HL7 Gravity (SDOH Clinical
 * Care) capacity codes and HSDS 3.1 service_capacity, waitlist bands, and freshness. Pure; see docs/capacity.md.
 */

/** Every capacity status, most to least available. */
export const CAPACITY_STATUSES = ['accepting', 'limited', 'waitlist', 'not_accepting'] as const;

/** A capacity status. */
export type CapacityStatus = (typeof CAPACITY_STATUSES)[number];

/** Waitlist size bands (people waiting). */
export const WAITLIST_BANDS = ['none', '1-10', '11-50', '51+'] as const;

/** A waitlist size band. */
export type WaitlistBand = (typeof WAITLIST_BANDS)[number];

/** Days after which capacity nobody has confirmed shows as unconfirmed, unless CAPACITY_STALE_DAYS says otherwise. */
export const DEFAULT_CAPACITY_STALE_DAYS = 14;

/** A service whose funding ends within this many days is flagged to its organisation. */
export const FUNDING_ENDING_SOON_DAYS = 90;

/** Code system of the HL7 Gravity (SDOH Clinical Care STU 3) capacity status codes. */
export const GRAVITY_CAPACITY_SYSTEM =
  'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';

/** How a status is described to people and exchanged with other systems. */
export interface CapacityStatusInfo {
  /** Short label shown on badges. */
  label: string;
  /** What the organisation is saying when it picks this status. */
  meaning: string;
  /** HL7 Gravity SDOHCC-ValueSetCapacityStatus code (system GRAVITY_CAPACITY_SYSTEM). */
  gravityCode: 'capacity' | 'waitlist' | 'no-capacity';
  /** How it maps onto HSDS 3.1 service_capacity (available / description). */
  hsds: string;
  /** Sort rank among confirmed capacity: lower ranks first in search. */
  rank: number;
}

/** Meanings and mappings of each status. */
export const CAPACITY_STATUS_INFO: Record<CapacityStatus, CapacityStatusInfo> = {
  accepting: {
    label: 'Accepting referrals',
    meaning: 'Taking new people now, with no wait beyond normal booking.',
    gravityCode: 'capacity',
    hsds: 'service_capacity.available = places (when given, else omitted); description "Accepting referrals"',
    rank: 0,
  },
  limited: {
    label: 'Limited places',
    meaning: 'Taking new people, but few places are left or the wait is longer than usual: check before referring.',
    gravityCode: 'capacity',
    hsds: 'service_capacity.available = places (small); description "Limited places"',
    rank: 1,
  },
  waitlist: {
    label: 'Waiting list',
    meaning: 'No places now; new people join a waiting list (typical wait and list size given).',
    gravityCode: 'waitlist',
    hsds: 'service_capacity.available = 0; description "Waiting list, typical wait N days"',
    rank: 2,
  },
  not_accepting: {
    label: 'Not accepting referrals',
    meaning: 'Not taking new people at all for now, and no waiting list.',
    gravityCode: 'no-capacity',
    hsds: 'service_capacity.available = 0; description "Not accepting referrals"',
    rank: 3,
  },
};

/** Whether capacity was confirmed within the freshness window. */
export type CapacityFreshness = 'confirmed' | 'unconfirmed';

/** What every screen shows for unconfirmed capacity. */
export const UNCONFIRMED_LABEL = 'unconfirmed — check before referring';

/**
 * Freshness of capacity last confirmed at `confirmedAt` (ISO string or Date; null = never set), as of `now`, with a
 * window of `staleDays` days (default DEFAULT_CAPACITY_STALE_DAYS).
 */
export function capacityFreshness(
  confirmedAt: Date | string | null | undefined,
  now: Date = new Date(),
  staleDays: number = DEFAULT_CAPACITY_STALE_DAYS,
): CapacityFreshness {
  if (!confirmedAt) return 'unconfirmed';
  const at = typeof confirmedAt === 'string' ? new Date(confirmedAt) : confirmedAt;
  return now.getTime() - at.getTime() <= staleDays * 86_400_000 ? 'confirmed' : 'unconfirmed';
}

/**
 * Search rank of a capacity (lower first): every confirmed status ranks above every unconfirmed one, and within each
 * group by status (accepting, limited, waitlist, not accepting); never-set capacity ranks last.
 */
export function capacityRank(status: CapacityStatus | null, freshness: CapacityFreshness): number {
  if (!status) return 99;
  return (freshness === 'confirmed' ? 0 : 10) + CAPACITY_STATUS_INFO[status].rank;
}

/** The capacity in HSDS 3.1 service_capacity shape (unit "place"), for exports and the ORUK feed. */
export function toHsdsServiceCapacity(c: {
  serviceId: string;
  status: CapacityStatus;
  places: number | null;
  waitDays: number | null;
  updated: string;
}): { service_id: string; unit: { name: string }; available: number; description: string; updated: string } {
  const info = CAPACITY_STATUS_INFO[c.status];
  const closed = c.status === 'waitlist' || c.status === 'not_accepting';
  const wait = c.status === 'waitlist' && c.waitDays != null ? `, typical wait ${c.waitDays} days` : '';
  return {
    service_id: c.serviceId,
    unit: { name: 'place' },
    available: closed ? 0 : (c.places ?? 0),
    description: `${info.label}${wait}`,
    updated: c.updated,
  };
}

/** Whether any funding end date (YYYY-MM-DD) falls between today and FUNDING_ENDING_SOON_DAYS from `now`. */
export function isFundingEndingSoon(endDates: (string | null)[], now: Date = new Date()): boolean {
  const today = now.toISOString().slice(0, 10);
  const limit = new Date(now.getTime() + FUNDING_ENDING_SOON_DAYS * 86_400_000).toISOString().slice(0, 10);
  return endDates.some((d) => d != null && d >= today && d <= limit);
}

/** Current capacity of a service as the API returns it and every screen shows it (server presenter and client). */
export interface CapacityDto {
  /** accepting | limited | waitlist | not_accepting; null when never set. */
  status: CapacityStatus | null;
  /** Badge label for the status. */
  label: string | null;
  /** Places available now. */
  places: number | null;
  /** Typical wait, days. */
  waitDays: number | null;
  /** Waitlist size band. */
  waitlistBand: string | null;
  /** Places per session for recurring groups. */
  sessionPlaces: number | null;
  /** Short note from the organisation. */
  note: string | null;
  /** User who last set it. */
  setBy: string | null;
  /** When it was last set (ISO). */
  setAt: string | null;
  /** When someone last said it was accurate (ISO); the "as of" of the capacity. */
  asOf: string | null;
  /** confirmed within the window, else unconfirmed. */
  freshness: CapacityFreshness;
  /** "unconfirmed — check before referring" when unconfirmed, else null. */
  freshnessLabel: string | null;
  /** Service version (the number in the ETag). */
  version: number;
}
